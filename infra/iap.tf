# Staff sign in to the console with their Google accounts through Cloud IAP (README: "The
# staff console"). Off by default; `console_iap_enabled = true` adds the pieces below.
#
# Route: IAP directly on the policies function's Cloud Run service (Google's recommended setup
# for Cloud Run, no load balancer needed). Enabling the IAP flag on a service that Cloud
# Functions owns is one command after the first apply (the provider cannot set it on a
# function's service):
#   gcloud beta run services update <name_prefix>-policies --region <region> --iap
# IAP_AUDIENCE on the policies function is set from `console_iap_audience` (infra/main.tf).
#
# Retention: Cloud Scheduler calls POST /_retention daily through IAP with an OIDC token of
# its own service account; add that account as an owner once:
#   make staff-token NAME="retention job" ROLE=owner EMAIL=<console_retention_account output>

variable "console_iap_enabled" {
  description = "Put Cloud IAP in front of the policies function (staff sign in with Google accounts)."
  type        = bool
  default     = false
}

variable "console_iap_members" {
  description = "Who may pass IAP to the console, e.g. [\"group:shop-staff@example.com\"]. Their role comes from the staff list in the database."
  type        = list(string)
  default     = []
}

variable "retention_days" {
  description = "Delete conversations inactive for this many days (RETENTION_DAYS); 0 keeps them forever."
  type        = number
  default     = 0
}

variable "retention_schedule" {
  description = "Cron schedule (Europe/Berlin) of the retention job, when retention_days is set and IAP is on."
  type        = string
  default     = "17 3 * * *"
}

locals {
  console_service = "${var.name_prefix}-policies"
  # The JWT audience of IAP on a Cloud Run service (set as IAP_AUDIENCE on the policies function).
  console_iap_audience = var.console_iap_enabled ? "/projects/${data.google_project.console[0].number}/locations/${var.region}/services/${local.console_service}" : null
  console_retention    = var.console_iap_enabled && var.retention_days > 0
}

data "google_project" "console" {
  count      = var.console_iap_enabled ? 1 : 0
  project_id = var.project_id
}

# Who may reach the console through IAP: the staff (the staff list then decides their role)
# and, when retention is on, the Scheduler job's account.
resource "google_iap_web_cloud_run_service_iam_member" "console" {
  for_each = var.console_iap_enabled ? toset(concat(
    var.console_iap_members,
    local.console_retention ? ["serviceAccount:${data.google_service_account.app["retention"].email}"] : [],
  )) : toset([])
  project  = var.project_id
  location = var.region
  # The function's service, by reference: created first on a fresh project.
  cloud_run_service_name = google_cloudfunctions2_function.function["policies"].name
  role                   = "roles/iap.httpsResourceAccessor"
  member                 = each.value
  depends_on             = [google_project_service.apis]
}

# IAP's service agent, which a fresh project does not have until something asks for it.
resource "google_project_service_identity" "iap" {
  count    = var.console_iap_enabled ? 1 : 0
  provider = google-beta
  project  = var.project_id
  service  = "iap.googleapis.com"

  depends_on = [google_project_service.apis]
}

# IAP's service agent invokes the service on the signed-in user's behalf.
resource "google_cloud_run_service_iam_member" "console_iap_agent" {
  count    = var.console_iap_enabled ? 1 : 0
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.function["policies"].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_project_service_identity.iap[0].email}"

  depends_on = [google_project_service.apis]
}

resource "google_cloud_scheduler_job" "console_retention" {
  count       = local.console_retention ? 1 : 0
  project     = var.project_id
  region      = var.region
  name        = "${var.name_prefix}-retention"
  description = "Deletes conversations inactive for ${var.retention_days} days."
  schedule    = var.retention_schedule
  time_zone   = "Europe/Berlin"
  depends_on  = [google_project_service.apis, google_cloudfunctions2_function.function]
  # The route may run as long as the function's timeout (300 s); the default of 180 s would
  # mark a long run failed and retry it.
  attempt_deadline = "320s"

  http_target {
    http_method = "POST"
    uri         = "https://${local.console_service}-${data.google_project.console[0].number}.${var.region}.run.app/_retention"
    oidc_token {
      service_account_email = data.google_service_account.app["retention"].email
      audience              = "https://${local.console_service}-${data.google_project.console[0].number}.${var.region}.run.app"
    }
  }
}

output "console_iap_audience" {
  description = "IAP_AUDIENCE for the policies function when IAP is on (the JWT audience of IAP on a Cloud Run service)."
  value       = local.console_iap_audience
}

output "console_retention_account" {
  description = "The retention job's service account: add it to the staff list as an owner (make staff-token EMAIL=...)."
  value       = local.console_retention ? data.google_service_account.app["retention"].email : null
}
