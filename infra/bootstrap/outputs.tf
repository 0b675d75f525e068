output "github_variables" {
  description = "Values of the GitHub repository variables the deploy workflow reads (infra/README.md, step 4)."
  value = {
    GCP_PROJECT_ID                       = var.project_id
    GCP_REGION                           = var.region
    NAME_PREFIX                          = var.name_prefix
    TF_STATE_BUCKET                      = google_storage_bucket.state.name
    GCP_PLAN_WORKLOAD_IDENTITY_PROVIDER  = google_iam_workload_identity_pool_provider.github["plan"].name
    GCP_PLAN_SERVICE_ACCOUNT             = google_service_account.app["plan"].email
    GCP_APPLY_WORKLOAD_IDENTITY_PROVIDER = google_iam_workload_identity_pool_provider.github["deploy"].name
    GCP_APPLY_SERVICE_ACCOUNT            = google_service_account.app["deploy"].email
  }
}

output "secret_ids" {
  description = "Secret Manager secrets to fill by hand once (infra/README.md, step 3)."
  value       = { for name, secret in google_secret_manager_secret.app : name => secret.secret_id }
}

output "image_repository" {
  description = "Docker repository of the function builds and the migration image."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}
