# Database migrations run inside the network that reaches the database: a Cloud Run job with
# the functions' VPC connector and the runtime's DATABASE_URL secret, never from a CI runner
# over the internet. Its image (infra/migrate/Dockerfile: requirements.txt, common/ and
# alembic.ini from the same commit as the functions) is pushed by CI, which then runs
#   gcloud run jobs execute <migrate_job> --region <region> --wait
# before the new functions serve (.github/workflows/deploy.yml, job "deploy").

resource "google_cloud_run_v2_job" "migrate" {
  name                = "${var.name_prefix}-migrate"
  location            = var.region
  deletion_protection = false

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account = data.google_service_account.app["migrate"].email
      max_retries     = 0 # a failed migration needs a person, not a blind retry
      timeout         = "600s"

      dynamic "vpc_access" {
        for_each = local.vpc_connector == null ? [] : [local.vpc_connector]
        content {
          connector = vpc_access.value
          egress    = "PRIVATE_RANGES_ONLY"
        }
      }

      containers {
        image = var.migrate_image

        env {
          name = "DATABASE_URL"
          value_source {
            secret_key_ref {
              secret  = data.google_secret_manager_secret.app["DATABASE_URL"].secret_id
              version = "latest"
            }
          }
        }
      }
    }
  }

  depends_on = [google_project_service.apis]
}
