output "chat_stream_url" {
  description = "URL of the chat_stream function (the page's chatStreamUrl)."
  value       = google_cloudfunctions2_function.function["chat_stream"].service_config[0].uri
}

output "history_url" {
  description = "URL of the history function (the page's historyUrl)."
  value       = google_cloudfunctions2_function.function["history"].service_config[0].uri
}

output "policies_url" {
  description = "URL of the policies function (admins only; never published in config.js)."
  value       = google_cloudfunctions2_function.function["policies"].service_config[0].uri
}

output "public_services" {
  description = "Cloud Run services (one per public function) that shoppers call; CI disables their invoker check when public_access = invoker_check_disabled."
  value       = [for k, f in local.functions : google_cloudfunctions2_function.function[k].name if f.public]
}

output "public_access" {
  description = "How the public functions are opened to shoppers (allUsers or invoker_check_disabled)."
  value       = var.public_access
}

output "migrate_job" {
  description = "Cloud Run job that applies the database migrations (CI runs it before the functions change)."
  value       = google_cloud_run_v2_job.migrate.name
}

output "site_url" {
  description = "Where the chat page is served (point the domain's A record at site_ip first). Empty without allUsers."
  value       = local.site_url
}

output "site_ip" {
  description = "IP address of the site's load balancer. Empty without allUsers."
  value       = local.host_site ? google_compute_global_address.site[0].address : ""
}

output "site_bucket" {
  description = "Bucket the CI uploads web/ to. Empty without allUsers (publish web/ elsewhere)."
  value       = local.host_site ? google_storage_bucket.site[0].name : ""
}

output "site_url_map" {
  description = "URL map of the site (CI invalidates its CDN cache after publishing). Empty without allUsers."
  value       = local.host_site ? google_compute_url_map.site[0].name : ""
}
