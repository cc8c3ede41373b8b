"""Pages of the cadres app: `people` (cadres, posts, term changes) and `pledges`
(certificates, pledges, advised resignations). Each module ends with its `urlpatterns`."""
