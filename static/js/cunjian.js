// Small behaviours without inline scripts (the CSP allows only files from 'self').
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-print]");
  if (el) { event.preventDefault(); window.print(); }
});
// Progress bars take their width from data-progress: the CSP refuses style="" attributes, but a
// script may set element.style. htmx.onLoad runs for the page and for every swapped-in part.
function showProgress(root) {
  root.querySelectorAll("[data-progress]").forEach((el) => { el.style.width = el.dataset.progress + "%"; });
}
if (window.htmx) htmx.onLoad(showProgress); else showProgress(document);
