//! One module per page of the console.

pub mod admins;
pub mod api_tokens;
pub mod app_detail;
pub mod app_directory;
pub mod app_safeguard;
pub mod app_source;
pub mod applications;
pub mod bounce_list;
pub mod dashboard;
pub mod import_detail;
pub mod import_monitoring;
pub mod notifications;
pub mod safeguards;
pub mod sign_in;
pub mod system_log;
pub mod webhook_deliveries;
pub mod webhook_secret;
pub mod webhooks;
