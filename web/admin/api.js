// Talking to the staff function: the signed-in token (this tab only), JSON, typed errors.
const TOKEN_KEY = "support-console-token";
const base = (window.CONSOLE_CONFIG && window.CONSOLE_CONFIG.policiesUrl) || "/policies";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// sessionStorage only: a token must not outlive the tab (never localStorage).
export const session = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

// Called when a signed-in request answers 401 (the token was revoked meanwhile).
let onSignedOut = null;
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

// Called when a request answers 403 `forbidden`, the role too low (it may have changed
// meanwhile); not for `not_staff`, someone IAP signed in who is no member of staff.
let onRefused = null;
export function whenRefused(handler) {
  onRefused = handler;
}

export async function api(path, { method = "GET", body, query, headers = {} } = {}) {
  const url = new URL(base + path, window.location.href);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const token = session.get();
  const all = { ...headers };
  if (token) all.Authorization = `Bearer ${token}`;
  if (body !== undefined) all["Content-Type"] = "application/json";
  // credentials: IAP's session cookie, also when the deploy points the console at the
  // function's own URL (another origin; the function allows it for ALLOWED_ORIGINS).
  const response = await fetch(url, {
    method,
    headers: all,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "include",
  });
  if (response.status === 204) return { data: null, etag: null };
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    if (response.status === 401 && token && onSignedOut) onSignedOut(error.message || response.statusText);
    if (response.status === 403 && error.code === "forbidden" && onRefused) onRefused();
    throw new ApiError(response.status, error.code || "error", error.message || response.statusText);
  }
  return { data, etag: response.headers.get("ETag") };
}

export const get = async (path, query) => (await api(path, { query })).data;
