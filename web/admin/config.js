// Where the console finds the staff function. Relative for `make dev` and for production behind
// the site's HTTPS load balancer (console and /policies on one origin, so IAP's cookie is
// first-party); a deploy that calls the function's own URL rewrites this file.
window.CONSOLE_CONFIG = {
  policiesUrl: "/policies",
  refreshSeconds: 5,
};
