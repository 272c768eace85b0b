//! The Dashboard: roadblock state, the last day's imports by status, the safeguard settings, and
//! the apps with their populations.

use crate::api;
use crate::components::problem_view::ProblemView;
use crate::components::status_badge::StatusBadge;
use crate::format;
use crate::loading::Loading;
use crate::roadblock_watch::RoadblockWatch;
use leptos::prelude::*;
use safeguard_rules::api::ImportStatus;

#[component]
pub fn Dashboard() -> impl IntoView {
    let watch = RoadblockWatch::expect();
    let data = LocalResource::new(|| async {
        let settings = api::safeguards().await?;
        let apps = api::apps().await?;
        let recent = api::imports(None, None, 1000, None).await?.items;
        Ok::<_, api::ApiError>((settings, apps, recent))
    });
    view! {
        <h1>"Dashboard"</h1>
        <section class="card" data-testid="dashboard-roadblock">
            <h2>"Roadblock"</h2>
            {move || match watch.active() {
                Some(state) => {
                    let import = state.import.clone();
                    view! {
                        <p class="warn">{format!("Active: the {} import is paused; {} queued behind it.",
                            import.as_ref().map(|i| i.app_name.clone()).unwrap_or_default(), state.queued.unwrap_or(0))}</p>
                        {import.map(|i| view! { <a href=format!("/imports/{}", i.id)>"Review it"</a> })}
                    }.into_any()
                }
                None => view! { <p class="ok">"No roadblock: imports run as they arrive."</p> }.into_any(),
            }}
        </section>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                    Ok((settings, apps, recent)) => {
                        let day_ago = js_sys::Date::now() - 24.0 * 3600.0 * 1000.0;
                        let last_day: Vec<_> = recent.iter()
                            .filter(|i| js_sys::Date::parse(&i.created_at) >= day_ago)
                            .collect();
                        let by_status: Vec<(ImportStatus, usize)> = ImportStatus::ALL.into_iter()
                            .map(|s| (s, last_day.iter().filter(|i| i.status == s).count()))
                            .filter(|(_, n)| *n > 0)
                            .collect();
                        let level = |on: bool, p: u8| if on { format!("{p} %") } else { "off".to_owned() };
                        view! {
                            <div class="grid">
                                <section class="card" data-testid="dashboard-imports">
                                    <h2>"Imports, last 24 hours"</h2>
                                    {if by_status.is_empty() { view! { <p class="muted">"None."</p> }.into_any() } else { view! {
                                        <ul class="plain">{by_status.into_iter().map(|(s, n)| view! { <li><StatusBadge status=s />" "{n}</li> }).collect_view()}</ul>
                                    }.into_any() }}
                                    <a href="/imports">"Import Monitoring"</a>
                                </section>
                                <section class="card" data-testid="dashboard-safeguards">
                                    <h2>"Safeguards"</h2>
                                    <p>{format!("App level: {}", level(settings.app_level.enabled, settings.app_level.percent))}</p>
                                    <p>{format!("Org level: {}", level(settings.org_level.enabled, settings.org_level.percent))}</p>
                                    <a href="/safeguards">"Edit and preview"</a>
                                </section>
                            </div>
                            <section class="card">
                                <h2>"Applications"</h2>
                                <table class="populations">
                                    <thead><tr><th>"App"</th><th class="num">"Population"</th></tr></thead>
                                    <tbody>{apps.into_iter().map(|a| view! {
                                        <tr><td><a href=format!("/apps/{}", a.id)>{a.name}</a></td><td class="num">{format::count(a.population)}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
