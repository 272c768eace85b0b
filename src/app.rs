//! The console's shell: navigation, the roadblock banner, and the routes to every page.

use crate::pages::{
    app_detail::AppDetail, applications::Applications, bounce_list::BounceList,
    dashboard::Dashboard, import_detail::ImportDetail, import_monitoring::ImportMonitoring,
    notifications::Notifications, safeguards::Safeguards, system_log::SystemLog,
};
use crate::roadblock_watch::RoadblockWatch;
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    RoadblockWatch::provide();
    view! {
        <Router>
            <div class="shell" data-testid="console">
                <header class="top">
                    <a class="brand" href="/">"Safeguard"</a>
                    <nav aria-label="Main">
                        <A href="/" exact=true>"Dashboard"</A>
                        <A href="/apps">"Applications"</A>
                        <A href="/imports">"Import Monitoring"</A>
                        <A href="/safeguards">"Safeguards"</A>
                        <A href="/logs">"System Log"</A>
                        <A href="/notifications" exact=true>"Notifications"</A>
                        <A href="/notifications/bounces">"Bounce List"</A>
                    </nav>
                </header>
                <RoadblockBanner />
                <main>
                    <Routes fallback=|| view! { <h1>"Page not found"</h1><p><a href="/">"Back to the dashboard"</a></p> }>
                        <Route path=path!("/") view=Dashboard />
                        <Route path=path!("/apps") view=Applications />
                        <Route path=path!("/apps/:id") view=AppDetail />
                        <Route path=path!("/imports") view=ImportMonitoring />
                        <Route path=path!("/imports/:id") view=ImportDetail />
                        <Route path=path!("/safeguards") view=Safeguards />
                        <Route path=path!("/logs") view=SystemLog />
                        <Route path=path!("/notifications") view=Notifications />
                        <Route path=path!("/notifications/bounces") view=BounceList />
                    </Routes>
                </main>
            </div>
        </Router>
    }
}

/// On every page while a roadblock stands: which import is paused, how many wait, and a link.
#[component]
fn RoadblockBanner() -> impl IntoView {
    let watch = RoadblockWatch::expect();
    view! {
        <div aria-live="assertive" class="banner-slot">
            {move || watch.active().and_then(|state| {
                let import = state.import?;
                let queued = state.queued.unwrap_or(0);
                let waiting = match queued {
                    0 => "no other import is waiting".to_owned(),
                    1 => "1 import is waiting".to_owned(),
                    n => format!("{n} imports are waiting"),
                };
                Some(view! {
                    <div class="banner" role="alert" data-testid="roadblock-banner">
                        <strong>"Import roadblock: new imports will not run. "</strong>
                        {format!("The {} import is paused by a safeguard; {waiting}. ", import.app_name)}
                        <a href=format!("/imports/{}", import.id) data-testid="roadblock-review">"Review the paused import"</a>
                    </div>
                })
            })}
        </div>
    }
}
