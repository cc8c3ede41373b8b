"""Test helpers about the deployment that every app's tests share."""

#: the address gunicorn sees for every request: the nginx container's
NGINX_ADDRESS = "172.18.0.7"


def through_nginx(address: str, forwarded_for: str | None = None) -> dict[str, str]:
    """The request headers the shipped nginx (deploy/nginx.conf) passes on for a visitor at
    `address` who sent `forwarded_for` as their own X-Forwarded-For (or none):
    `$proxy_add_x_forwarded_for` appends the address nginx saw to whatever the client sent."""
    chain = f"{forwarded_for}, {address}" if forwarded_for else address
    return {"REMOTE_ADDR": NGINX_ADDRESS, "HTTP_X_FORWARDED_FOR": chain}
