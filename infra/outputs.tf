output "chat_stream_url" {
  description = "URL of the chat_stream function (the page's chatStreamUrl)."
  value       = google_cloudfunctions2_function.chat_stream.service_config[0].uri
}

output "history_url" {
  description = "URL of the history function (the page's historyUrl)."
  value       = google_cloudfunctions2_function.history.service_config[0].uri
}

output "policies_url" {
  description = "URL of the policies function (admins only)."
  value       = google_cloudfunctions2_function.policies.service_config[0].uri
}

output "site_url" {
  description = "Where the chat page is served (point the domain's A record at site_ip first)."
  value       = local.site_url
}

output "site_ip" {
  description = "IP address of the site's load balancer."
  value       = google_compute_global_address.site.address
}

output "site_bucket" {
  description = "Bucket the CI uploads web/ to."
  value       = google_storage_bucket.site.name
}

output "site_url_map" {
  description = "URL map of the site (CI invalidates its CDN cache after publishing)."
  value       = google_compute_url_map.site.name
}
