//! The console's shell: the sign-in page on its own, and every other page behind a session with
//! the navigation, the signed-in administrator, the roadblock banner and the routes.

use crate::api;
use crate::components::problem_view::ProblemView;
use crate::loading::Loading;
use crate::pages::{
    admins::Admins, api_tokens::ApiTokens, app_detail::AppDetail, applications::Applications,
    bounce_list::BounceList, dashboard::Dashboard, import_detail::ImportDetail,
    import_monitoring::ImportMonitoring, notifications::Notifications, safeguards::Safeguards,
    sign_in::SignIn, system_log::SystemLog, webhooks::Webhooks,
};
use crate::roadblock_watch::{RoadblockWatch, paused_imports};
use crate::session::{Session, SessionState};
use crate::sign_in_redirect::SIGN_IN_PATH;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use leptos_router::{Lazy, LazyRoute};
use safeguard_rules::api::RoadblockState;
use safeguard_rules::settings::RoadblockScope;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view=SignIn />
                // Every other page, unknown ones included, needs a session: the shell loads it.
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("/") view=Dashboard />
                    <Route path=path!("/apps") view=Applications />
                    <Route path=path!("/apps/:id") view=AppDetail />
                    <Route path=path!("/imports") view=ImportMonitoring />
                    <Route path=path!("/imports/:id") view={Lazy::<ImportDetailPage>::new()} />
                    <Route path=path!("/safeguards") view=Safeguards />
                    <Route path=path!("/logs") view={Lazy::<SystemLogPage>::new()} />
                    <Route path=path!("/settings/admins") view={Lazy::<AdminsPage>::new()} />
                    <Route path=path!("/settings/api-tokens") view={Lazy::<ApiTokensPage>::new()} />
                    <Route path=path!("/settings/webhooks") view={Lazy::<WebhooksPage>::new()} />
                    <Route path=path!("/notifications") view={Lazy::<NotificationsPage>::new()} />
                    <Route path=path!("/notifications/bounces") view={Lazy::<BounceListPage>::new()} />
                    <Route path=path!("/*any") view=NotFound />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A page few administrators open. With the `split` feature (the release build, see
/// `scripts/split-wasm.sh`) its code is a WebAssembly module of its own, fetched the first time
/// the page opens, so the first page load does not carry it; without the feature (the component
/// tests) it is compiled into the one module like every other page.
macro_rules! lazy_page {
    ($($route:ident => $page:ident, $view:ident;)*) => {$(
        #[derive(Debug)]
        struct $route;

        #[cfg_attr(feature = "split", leptos::lazy)]
        fn $view() -> AnyView {
            view! { <$page /> }.into_any()
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                #[cfg(feature = "split")]
                let view = $view().await;
                #[cfg(not(feature = "split"))]
                let view = $view();
                view
            }
        }
    )*};
}

lazy_page! {
    // An import's page: opened from a link (the roadblock banner, Import Monitoring), after
    // which fetching its module runs beside fetching the import itself.
    ImportDetailPage => ImportDetail, import_detail_view;
    SystemLogPage => SystemLog, system_log_view;
    AdminsPage => Admins, admins_view;
    ApiTokensPage => ApiTokens, api_tokens_view;
    NotificationsPage => Notifications, notifications_view;
    BounceListPage => BounceList, bounce_list_view;
    WebhooksPage => Webhooks, webhooks_view;
}

#[component]
fn NotFound() -> impl IntoView {
    view! { <h1>"Page not found"</h1><p><a href="/">"Back to the dashboard"</a></p> }
}

/// The navigation at once, the page once the session is known. A 401 from `/users/me` has the
/// API client take the administrator to the sign-in page.
#[component]
fn Shell() -> impl IntoView {
    let session = Session::provide();
    let state = Memo::new(move |_| session.state());
    // On phones the navigation and the signed-in administrator fold behind the menu button;
    // style/main.css shows the button below 640 px only, and the menu after it while
    // aria-expanded is true, so this one signal is all the code the fold needs.
    let menu_open = RwSignal::new(false);
    view! {
        <div class="shell" data-testid="console">
            <header class="top">
                <a class="brand" href="/">"Safeguard"</a>
                <button class="menu-button" type="button" data-testid="menu-button" aria-controls="console-menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)>"Menu"</button>
                <div class="menu" id="console-menu">
                    // Any click in the navigation closes the menu, so the page a link opens is not
                    // left under it.
                    <nav aria-label="Main" on:click=move |_| menu_open.set(false)>
                        <A href="/" exact=true>"Dashboard"</A>
                        <A href="/apps">"Applications"</A>
                        <A href="/imports">"Import Monitoring"</A>
                        <A href="/safeguards">"Safeguards"</A>
                        <A href="/logs">"System Log"</A>
                        <A href="/notifications" exact=true>"Notifications"</A>
                        <span class="nav-group" role="group" aria-labelledby="nav-settings">
                            <span class="nav-group-label" id="nav-settings">"Settings:"</span>
                            <A href="/settings/admins">"Administrators"</A>
                            <A href="/settings/api-tokens">"API tokens"</A>
                            <A href="/settings/webhooks">"Webhooks"</A>
                            <A href="/notifications/bounces">"Bounce List"</A>
                        </span>
                    </nav>
                    <UserMenu session />
                </div>
            </header>
            {move || match state.get() {
                SessionState::Loading => view! { <main><Loading /></main> }.into_any(),
                SessionState::Failed(error) => view! {
                    <main>
                        <h1>"The console could not start"</h1>
                        <ProblemView error />
                        <button on:click=move |_| session.retry()>"Try again"</button>
                    </main>
                }.into_any(),
                SessionState::SignedIn => view! { <SignedIn /> }.into_any(),
            }}
        </div>
    }
}

/// What only a signed-in administrator sees: the roadblock watch starts here, so nothing polls
/// the API before there is a session to poll with.
#[component]
fn SignedIn() -> impl IntoView {
    RoadblockWatch::provide();
    view! {
        <RoadblockBanner />
        <main>
            <Outlet />
        </main>
    }
}

/// Who is signed in, as what, and the way out.
#[component]
fn UserMenu(session: Session) -> impl IntoView {
    let navigate = use_navigate();
    let sign_out = Action::new_local(|_: &()| api::sign_out());
    Effect::new(move |_| {
        // Only a success moves from here: on a 401 the session had already ended and the API
        // client is taking the administrator to the sign-in page itself.
        if let Some(Ok(())) = sign_out.value().get() {
            navigate(SIGN_IN_PATH, Default::default());
        }
    });
    move || {
        session.me().map(|me| {
            view! {
                <div class="user-menu" data-testid="user-menu">
                    <span class="user-email" data-testid="user-email">{me.email}</span>
                    <span class="role-label" data-testid="user-role">{me.role.label()}</span>
                    <button class="sign-out" data-testid="sign-out" disabled=move || sign_out.pending().get()
                        on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
                    {move || match sign_out.value().get() {
                        Some(Err(e)) if !e.is_unauthorized() => Some(view! {
                            <span class="user-menu-error" role="alert">{format!("Not signed out: {}", e.detail())}</span>
                        }),
                        _ => None,
                    }}
                </div>
            }
        })
    }
}

/// On every page while a roadblock stands. Under scope `org`: which import is paused, how many
/// wait, and a link. Under scope `app`: every paused app, each a link to its import, and that
/// other apps' imports run.
#[component]
fn RoadblockBanner() -> impl IntoView {
    let watch = RoadblockWatch::expect();
    view! {
        <div aria-live="assertive" class="banner-slot">
            {move || watch.active().and_then(|state| {
                if watch.scope(&state) == RoadblockScope::App {
                    return Some(view! { <AppScopeBanner state /> }.into_any());
                }
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
                        // Phones keep the banner to two lines: this sentence is left to screen readers there.
                        <span class="banner-detail">{format!("The {} import is paused by a safeguard; {waiting}. ", import.app_name)}</span>
                        <a href=format!("/imports/{}", import.id) data-testid="roadblock-review">"Review the paused import"</a>
                    </div>
                }.into_any())
            })}
        </div>
    }
}

/// "Imports paused: Workday, Salesforce; other apps' imports run." The oldest paused import's
/// link is the banner's review link.
#[component]
fn AppScopeBanner(state: RoadblockState) -> impl IntoView {
    let imports = paused_imports(&state);
    let last = imports.len().saturating_sub(1);
    view! {
        <div class="banner" role="alert" data-testid="roadblock-banner">
            <strong>"Imports paused: "</strong>
            {imports.into_iter().enumerate().map(|(k, import)| {
                let title = format!("Review the paused {} import", import.app_name);
                view! {
                    <a href=format!("/imports/{}", import.id) data-testid=if k == 0 { "roadblock-review" } else { "paused-app" }
                        title=title>{import.app_name}</a>
                    {(k < last).then_some(", ")}
                }
            }).collect_view()}
            "; other apps' imports run."
        </div>
    }
}
