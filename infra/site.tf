# The chat page: a bucket behind a global load balancer with Cloud CDN. The CDN serves only
# static files; the page calls the function URLs directly so no proxy buffers the stream.

resource "google_storage_bucket" "site" {
  #checkov:skip=CKV_GCP_62:Public static files read through Cloud CDN; bucket access logs would record only cache fills.
  #checkov:skip=CKV_GCP_78:The site is rebuilt from git on every deploy; git is its history.
  #checkov:skip=CKV_GCP_114:The chat page is public by design (served to anonymous shoppers through Cloud CDN).
  name                        = "${var.project_id}-${var.name_prefix}-site"
  location                    = var.site_bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "inherited"
  force_destroy               = true

  website {
    main_page_suffix = "index.html"
    not_found_page   = "index.html"
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket_iam_member" "site_public" {
  #checkov:skip=CKV_GCP_28:The chat page is a public website; a backend bucket serves only publicly readable objects.
  bucket = google_storage_bucket.site.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_compute_backend_bucket" "site" {
  name        = "${var.name_prefix}-site"
  bucket_name = google_storage_bucket.site.name
  enable_cdn  = true

  cdn_policy {
    cache_mode  = "CACHE_ALL_STATIC"
    default_ttl = 300
    client_ttl  = 300
    max_ttl     = 3600
  }
}

resource "google_compute_global_address" "site" {
  name       = "${var.name_prefix}-site"
  depends_on = [google_project_service.apis]
}

resource "google_compute_url_map" "site" {
  name            = "${var.name_prefix}-site"
  default_service = google_compute_backend_bucket.site.id
}

# --- Without a domain: HTTP on the address. ---

resource "google_compute_target_http_proxy" "site" {
  count   = var.domain == "" ? 1 : 0
  name    = "${var.name_prefix}-site-http"
  url_map = google_compute_url_map.site.id
}

resource "google_compute_global_forwarding_rule" "site_http" {
  count                 = var.domain == "" ? 1 : 0
  name                  = "${var.name_prefix}-site-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.site.address
  port_range            = "80"
  target                = google_compute_target_http_proxy.site[0].id
}

# --- With a domain: HTTPS with a Google-managed certificate, HTTP redirected to it. ---

resource "google_compute_managed_ssl_certificate" "site" {
  count = var.domain != "" ? 1 : 0
  name  = "${var.name_prefix}-site"

  managed {
    domains = [var.domain]
  }
}

resource "google_compute_ssl_policy" "site" {
  count           = var.domain != "" ? 1 : 0
  name            = "${var.name_prefix}-site"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "site" {
  count            = var.domain != "" ? 1 : 0
  name             = "${var.name_prefix}-site-https"
  url_map          = google_compute_url_map.site.id
  ssl_certificates = [google_compute_managed_ssl_certificate.site[0].id]
  ssl_policy       = google_compute_ssl_policy.site[0].id
}

resource "google_compute_global_forwarding_rule" "site_https" {
  count                 = var.domain != "" ? 1 : 0
  name                  = "${var.name_prefix}-site-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.site.address
  port_range            = "443"
  target                = google_compute_target_https_proxy.site[0].id
}

resource "google_compute_url_map" "https_redirect" {
  count = var.domain != "" ? 1 : 0
  name  = "${var.name_prefix}-site-redirect"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "https_redirect" {
  count   = var.domain != "" ? 1 : 0
  name    = "${var.name_prefix}-site-redirect"
  url_map = google_compute_url_map.https_redirect[0].id
}

resource "google_compute_global_forwarding_rule" "https_redirect" {
  count                 = var.domain != "" ? 1 : 0
  name                  = "${var.name_prefix}-site-redirect"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.site.address
  port_range            = "80"
  target                = google_compute_target_http_proxy.https_redirect[0].id
}
