# The chat page: a public bucket behind a global load balancer with Cloud CDN. The CDN serves
# only static files; the page calls the function URLs directly so no proxy buffers the stream.
#
# A backend bucket serves only objects allUsers may read. Organisations that refuse allUsers
# (domain-restricted sharing, public access prevention) set public_access =
# "invoker_check_disabled": then none of this is created and the page (web/ with the config.js
# CI writes) is published on the shop's own site or CDN (infra/README.md, "Without allUsers").

locals {
  host_site = var.public_access == "allUsers"
  site      = local.host_site ? 1 : 0
  # HTTPS needs a domain; without one the page is served over HTTP on the address.
  site_http  = local.host_site && var.domain == "" ? 1 : 0
  site_https = local.host_site && var.domain != "" ? 1 : 0
}

resource "google_storage_bucket" "site" {
  #checkov:skip=CKV_GCP_62:Public static files read through Cloud CDN; bucket access logs would record only cache fills.
  #checkov:skip=CKV_GCP_78:The site is rebuilt from git on every deploy; git is its history.
  #checkov:skip=CKV_GCP_114:The chat page is public by design (served to anonymous shoppers through Cloud CDN).
  count                       = local.site
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
  count  = local.site
  bucket = google_storage_bucket.site[0].name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_compute_backend_bucket" "site" {
  count       = local.site
  name        = "${var.name_prefix}-site"
  bucket_name = google_storage_bucket.site[0].name
  enable_cdn  = true

  cdn_policy {
    cache_mode  = "CACHE_ALL_STATIC"
    default_ttl = 300
    client_ttl  = 300
    max_ttl     = 3600
  }

  depends_on = [google_project_service.apis]
}

resource "google_compute_global_address" "site" {
  count      = local.site
  name       = "${var.name_prefix}-site"
  depends_on = [google_project_service.apis]
}

resource "google_compute_url_map" "site" {
  count           = local.site
  name            = "${var.name_prefix}-site"
  default_service = google_compute_backend_bucket.site[0].id
  depends_on      = [google_project_service.apis]
}

# --- Port 80 always answers: with a domain it redirects to HTTPS, without one it serves the
# page (plain HTTP on the address). Port 443 only with a domain and its managed certificate. ---

resource "google_compute_url_map" "https_redirect" {
  count = local.site_https
  name  = "${var.name_prefix}-site-redirect"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }

  depends_on = [google_project_service.apis]
}

resource "google_compute_target_http_proxy" "site" {
  count      = local.site
  name       = "${var.name_prefix}-site-http"
  url_map    = var.domain != "" ? google_compute_url_map.https_redirect[0].id : google_compute_url_map.site[0].id
  depends_on = [google_project_service.apis]
}

resource "google_compute_managed_ssl_certificate" "site" {
  count = local.site_https
  # A certificate in use cannot be deleted, and its domains cannot change in place: a new
  # domain makes a new certificate (the name carries a hash of the domain so both can exist),
  # the proxy moves to it, then the old one is deleted.
  name = "${var.name_prefix}-site-${substr(md5(var.domain), 0, 8)}"

  managed {
    domains = [var.domain]
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [google_project_service.apis]
}

resource "google_compute_ssl_policy" "site" {
  count           = local.site_https
  name            = "${var.name_prefix}-site"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
  depends_on      = [google_project_service.apis]
}

resource "google_compute_target_https_proxy" "site" {
  count            = local.site_https
  name             = "${var.name_prefix}-site-https"
  url_map          = google_compute_url_map.site[0].id
  ssl_certificates = [google_compute_managed_ssl_certificate.site[0].id]
  ssl_policy       = google_compute_ssl_policy.site[0].id
  depends_on       = [google_project_service.apis]
}

resource "google_compute_global_forwarding_rule" "site" {
  # Keys are known at plan time (they depend on variables only); targets are not.
  for_each = toset(concat(local.host_site ? ["80"] : [], local.site_https == 1 ? ["443"] : []))

  name                  = "${var.name_prefix}-site-${each.key == "443" ? "https" : "http"}"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.site[0].address
  port_range            = each.key
  target                = each.key == "443" ? google_compute_target_https_proxy.site[0].id : google_compute_target_http_proxy.site[0].id
  depends_on            = [google_project_service.apis]
}
