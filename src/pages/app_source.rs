//! An app's import settings, as administrators know them from Okta's provisioning settings:
//! where the app's users are read from (an upload, an LDAP directory, a SCIM service, a CSV file
//! on the server), how its fields map to a user, and on what schedule; a test read of the saved
//! source with a sample of its users; and an import from it now, or a dry run.
//!
//! With the `split` feature the whole tab is a WebAssembly module of its own (see
//! `import_tab` in app_detail.rs), fetched the first time it opens.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::pages::import_detail::{SourceWarnings, cause_sentence};
use crate::roadblock_watch::RoadblockWatch;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use safeguard_rules::api::sources::{
    DEFAULT_LDAP_FILTER, DEFAULT_LDAP_PAGE_SIZE, DEFAULT_SCIM_PAGE_SIZE, MAX_EVERY_MINUTES,
    MAX_PAGE_SIZE, ResolvedMapping,
};
use safeguard_rules::api::{
    CsvFileSettings, ImportView, LdapScope, LdapSettings, Schedule, ScimSettings, SourceKind,
    SourceMapping, SourceSettings, SourceTestResult, UploadSettings,
};
use safeguard_rules::validation::FieldError;

/// The tab's view. With the `split` feature it is fetched the first time the tab opens.
#[cfg(feature = "split")]
pub fn source_tab(app_id: String) -> AnyView {
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move { source_tab_view(app_id).await })}
        </Suspense>
    }
    .into_any()
}

#[cfg(not(feature = "split"))]
pub fn source_tab(app_id: String) -> AnyView {
    source_tab_view(app_id)
}

#[cfg_attr(feature = "split", leptos::lazy)]
fn source_tab_view(app_id: String) -> AnyView {
    view! { <AppSource app_id /> }.into_any()
}

/// The kinds in the order the selector lists them, in administrators' words.
const KINDS: [(SourceKind, &str); 4] = [
    (
        SourceKind::Upload,
        "Upload (a CSV file sent with each import)",
    ),
    (SourceKind::Ldap, "LDAP directory"),
    (SourceKind::Scim, "SCIM service"),
    (SourceKind::CsvFile, "CSV file on the server"),
];

#[component]
fn AppSource(app_id: String) -> impl IntoView {
    let app_id = StoredValue::new(app_id);
    let stored = LocalResource::new(move || {
        let id = app_id.get_value();
        async move { api::app_source(&id).await }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match stored.await {
                    Ok(settings) => view! { <SourceForm app_id=app_id.get_value() settings /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The five mapped fields of one kind, as typed (empty: the kind's default).
#[derive(Clone, Copy)]
struct MappingFields {
    external_id: RwSignal<String>,
    login: RwSignal<String>,
    email: RwSignal<String>,
    first_name: RwSignal<String>,
    last_name: RwSignal<String>,
}

impl MappingFields {
    fn new() -> Self {
        Self {
            external_id: RwSignal::new(String::new()),
            login: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            first_name: RwSignal::new(String::new()),
            last_name: RwSignal::new(String::new()),
        }
    }

    fn load(&self, mapping: &SourceMapping) {
        let shown = |value: &Option<String>| value.clone().unwrap_or_default();
        self.external_id.set(shown(&mapping.external_id));
        self.login.set(shown(&mapping.login));
        self.email.set(shown(&mapping.email));
        self.first_name.set(shown(&mapping.first_name));
        self.last_name.set(shown(&mapping.last_name));
    }

    fn mapping(&self) -> SourceMapping {
        let given = |field: RwSignal<String>| optional(&field.get_untracked());
        SourceMapping {
            external_id: given(self.external_id),
            login: given(self.login),
            email: given(self.email),
            first_name: given(self.first_name),
            last_name: given(self.last_name),
        }
    }
}

/// Every field of the form, each kind's kept apart: switching the kind and back loses nothing
/// typed.
#[derive(Clone, Copy)]
struct Form {
    kind: RwSignal<SourceKind>,
    url: RwSignal<String>,
    start_tls: RwSignal<bool>,
    ca_certificate: RwSignal<String>,
    bind_dn: RwSignal<String>,
    password: RwSignal<String>,
    password_set: RwSignal<bool>,
    remove_password: RwSignal<bool>,
    base_dn: RwSignal<String>,
    scope: RwSignal<LdapScope>,
    ldap_filter: RwSignal<String>,
    ldap_page_size: RwSignal<String>,
    ldap_mapping: MappingFields,
    ldap_attributes: RwSignal<String>,
    base_url: RwSignal<String>,
    bearer_token: RwSignal<String>,
    token_set: RwSignal<bool>,
    remove_token: RwSignal<bool>,
    scim_page_size: RwSignal<String>,
    scim_filter: RwSignal<String>,
    scim_mapping: MappingFields,
    scim_attributes: RwSignal<String>,
    path: RwSignal<String>,
    scheduled: RwSignal<bool>,
    every_minutes: RwSignal<String>,
    /// What is wrong with the fields, from the form's own checks or the server's answer.
    errors: RwSignal<Vec<FieldError>>,
}

impl Form {
    fn new() -> Self {
        let text = |s: &str| RwSignal::new(s.to_owned());
        Self {
            kind: RwSignal::new(SourceKind::Upload),
            url: text(""),
            start_tls: RwSignal::new(false),
            ca_certificate: text(""),
            bind_dn: text(""),
            password: text(""),
            password_set: RwSignal::new(false),
            remove_password: RwSignal::new(false),
            base_dn: text(""),
            scope: RwSignal::new(LdapScope::Sub),
            ldap_filter: text(DEFAULT_LDAP_FILTER),
            ldap_page_size: text(&DEFAULT_LDAP_PAGE_SIZE.to_string()),
            ldap_mapping: MappingFields::new(),
            ldap_attributes: text(""),
            base_url: text(""),
            bearer_token: text(""),
            token_set: RwSignal::new(false),
            remove_token: RwSignal::new(false),
            scim_page_size: text(&DEFAULT_SCIM_PAGE_SIZE.to_string()),
            scim_filter: text(""),
            scim_mapping: MappingFields::new(),
            scim_attributes: text(""),
            path: text(""),
            scheduled: RwSignal::new(false),
            every_minutes: text("60"),
            errors: RwSignal::new(Vec::new()),
        }
    }

    /// Shows saved settings. A secret typed before is cleared: the saved one is only "Set".
    fn load(&self, settings: &SourceSettings) {
        self.kind.set(settings.kind());
        self.password.set(String::new());
        self.remove_password.set(false);
        self.bearer_token.set(String::new());
        self.remove_token.set(false);
        // Only the saved kind has a stored secret: the server keeps it for that kind alone.
        self.password_set.set(false);
        self.token_set.set(false);
        match settings {
            SourceSettings::Upload(_) => {}
            SourceSettings::Ldap(s) => {
                self.url.set(s.url.clone());
                self.start_tls.set(s.start_tls);
                self.ca_certificate
                    .set(s.ca_certificate.clone().unwrap_or_default());
                self.bind_dn.set(s.bind_dn.clone().unwrap_or_default());
                self.password_set.set(s.password_set);
                self.base_dn.set(s.base_dn.clone());
                self.scope.set(s.scope);
                self.ldap_filter.set(s.filter.clone());
                self.ldap_page_size.set(s.page_size.to_string());
                self.ldap_mapping.load(&s.mapping);
                self.ldap_attributes.set(s.attributes.join(", "));
            }
            SourceSettings::Scim(s) => {
                self.base_url.set(s.base_url.clone());
                self.token_set.set(s.bearer_token_set);
                self.scim_page_size.set(s.page_size.to_string());
                self.scim_filter.set(s.filter.clone().unwrap_or_default());
                self.scim_mapping.load(&s.mapping);
                self.scim_attributes.set(s.attributes.join(", "));
            }
            SourceSettings::CsvFile(s) => self.path.set(s.path.clone()),
        }
        match settings.schedule() {
            Some(schedule) => {
                self.scheduled.set(true);
                self.every_minutes.set(schedule.every_minutes.to_string());
            }
            None => self.scheduled.set(false),
        }
    }

    /// The settings as typed, checked as the server checks them: every invalid field, or the
    /// settings to send.
    fn settings(&self) -> Result<SourceSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = self.kind.get_untracked();
        let schedule = if kind != SourceKind::Upload && self.scheduled.get_untracked() {
            number(
                "schedule.everyMinutes",
                &self.every_minutes.get_untracked(),
                &format!("must be a whole number of minutes, from 1 to {MAX_EVERY_MINUTES}"),
                &mut errors,
            )
            .map(|every_minutes| Schedule { every_minutes })
        } else {
            None
        };
        let page_size = |field: RwSignal<String>, default: u32, errors: &mut Vec<FieldError>| {
            let typed = field.get_untracked();
            if typed.trim().is_empty() {
                return default;
            }
            number(
                "pageSize",
                &typed,
                &format!("must be a whole number, from 1 to {MAX_PAGE_SIZE}"),
                errors,
            )
            .unwrap_or(default)
        };
        let secret = |typed: RwSignal<String>, remove: RwSignal<bool>| {
            if remove.get_untracked() {
                // An empty secret removes the stored one.
                Some(String::new())
            } else {
                // None keeps the stored one.
                optional(&typed.get_untracked())
            }
        };
        let settings = match kind {
            SourceKind::Upload => SourceSettings::Upload(UploadSettings { schedule: None }),
            SourceKind::Ldap => SourceSettings::Ldap(LdapSettings {
                url: self.url.get_untracked().trim().to_owned(),
                start_tls: self.start_tls.get_untracked(),
                ca_certificate: optional(&self.ca_certificate.get_untracked()),
                bind_dn: optional(&self.bind_dn.get_untracked()),
                password: secret(self.password, self.remove_password),
                password_set: self.password_set.get_untracked(),
                base_dn: self.base_dn.get_untracked().trim().to_owned(),
                scope: self.scope.get_untracked(),
                filter: optional(&self.ldap_filter.get_untracked())
                    .unwrap_or_else(|| DEFAULT_LDAP_FILTER.to_owned()),
                page_size: page_size(self.ldap_page_size, DEFAULT_LDAP_PAGE_SIZE, &mut errors),
                mapping: self.ldap_mapping.mapping(),
                attributes: attribute_list(&self.ldap_attributes.get_untracked()),
                schedule,
            }),
            SourceKind::Scim => SourceSettings::Scim(ScimSettings {
                base_url: self.base_url.get_untracked().trim().to_owned(),
                bearer_token: secret(self.bearer_token, self.remove_token),
                bearer_token_set: self.token_set.get_untracked(),
                page_size: page_size(self.scim_page_size, DEFAULT_SCIM_PAGE_SIZE, &mut errors),
                filter: optional(&self.scim_filter.get_untracked()),
                mapping: self.scim_mapping.mapping(),
                attributes: attribute_list(&self.scim_attributes.get_untracked()),
                schedule,
            }),
            SourceKind::CsvFile => SourceSettings::CsvFile(CsvFileSettings {
                path: self.path.get_untracked().trim().to_owned(),
                schedule,
            }),
        };
        // The rules crate's checks, the same the server runs; a number that did not parse is
        // named once, by the form.
        for error in settings.validate() {
            if !errors.iter().any(|e| e.field == error.field) {
                errors.push(error);
            }
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }
}

/// What is wrong with `field` (or one of its items, `attributes[2]`), if anything.
fn error_of(
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    move || {
        errors.with(|errors| {
            errors
                .iter()
                .find(|e| {
                    e.field == field
                        || e.field
                            .strip_prefix(field)
                            .is_some_and(|rest| rest.starts_with('['))
                })
                .map(|e| e.message.clone())
        })
    }
}

/// A text field's value, or none when left empty.
fn optional(typed: &str) -> Option<String> {
    let typed = typed.trim();
    (!typed.is_empty()).then(|| typed.to_owned())
}

/// A whole number typed into `field`, or its error.
fn number(field: &str, typed: &str, message: &str, errors: &mut Vec<FieldError>) -> Option<u32> {
    match typed.trim().parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(field, message));
            None
        }
    }
}

/// Attribute names separated by commas or lines.
fn attribute_list(typed: &str) -> Vec<String> {
    typed
        .split([',', '\n'])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "Set" or "Not set", what becomes of it on Save, and the control that removes it.
#[component]
fn SecretState(
    is_set: RwSignal<bool>,
    remove: RwSignal<bool>,
    typed: RwSignal<String>,
    what: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <span class="secret-state" data-testid=format!("{testid}-state")>
            {move || if remove.get() {
                "Removed when you save".to_owned()
            } else if !typed.get().is_empty() {
                "Replaced when you save".to_owned()
            } else if is_set.get() {
                "Set".to_owned()
            } else {
                "Not set".to_owned()
            }}
        </span>
        {move || (is_set.get() && !remove.get()).then(|| view! {
            <button type="button" data-testid=format!("remove-{testid}")
                on:click=move |_| { typed.set(String::new()); remove.set(true); }>{format!("Remove {what}")}</button>
        })}
        {move || remove.get().then(|| view! {
            <button type="button" on:click=move |_| remove.set(false)>{format!("Keep the {what}")}</button>
        })}
    }
}

#[component]
fn SourceForm(app_id: String, settings: SourceSettings) -> impl IntoView {
    let app_id = StoredValue::new(app_id);
    let can = can_change();
    let form = Form::new();
    form.load(&settings);
    // What the server holds: Test connection and Import now read it, not the form.
    let saved_kind = RwSignal::new(settings.kind());
    let dirty = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let errors = form.errors;
    let failure = RwSignal::new(None::<ApiError>);
    let save = Action::new_local(move |settings: &SourceSettings| {
        let settings = settings.clone();
        async move { api::save_app_source(&app_id.get_value(), &settings).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(stored)) => {
            form.load(&stored);
            saved_kind.set(stored.kind());
            dirty.set(false);
            saved.set(true);
        }
        Some(Err(e)) => {
            errors.set(e.field_errors().to_vec());
            failure.set(Some(e));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can.get_untracked() || save.pending().get_untracked() {
            return;
        }
        saved.set(false);
        failure.set(None);
        match form.settings() {
            Ok(settings) => {
                errors.set(Vec::new());
                save.dispatch(settings);
            }
            Err(found) => errors.set(found),
        }
    };
    let error_of = move |field| error_of(errors, field);
    let general = move || {
        failure
            .get()
            .filter(|e| e.field_errors().is_empty())
            .map(|error| view! { <ProblemView error /> })
    };
    let kind = form.kind;
    // Any field typed in or changed: the events bubble to the form.
    let edited = move || {
        dirty.set(true);
        saved.set(false);
    };
    view! {
        <section class="card" data-testid="source-settings">
            <h2>"Import settings"</h2>
            <p class="muted">"Where this app's users are read from. A live source (a directory, a SCIM service, a file on the server) is read by the server when you import now or on a schedule; every read is all or nothing."</p>
            <form class="stacked wide source-form" on:submit=on_submit on:input=move |_| edited() on:change=move |_| edited() novalidate>
                <fieldset disabled=move || !can.get() aria-describedby="source-read-only">
                    <label for="source-kind">"Source"</label>
                    <select id="source-kind" data-testid="source-kind"
                        on:change=move |ev| { if let Some(k) = SourceKind::parse(&event_target_value(&ev)) { kind.set(k) } }>
                        {KINDS.iter().map(|(k, words)| {
                            let k = *k;
                            view! { <option value=k.as_str() selected=move || kind.get() == k>{*words}</option> }
                        }).collect_view()}
                    </select>
                    {move || match kind.get() {
                        SourceKind::Upload => view! {
                            <p class="note">"Each import brings its users with it: a CSV file uploaded on the Import tab, or a snapshot a script sends to the API."</p>
                        }.into_any(),
                        SourceKind::Ldap => view! { <LdapFields form /> }.into_any(),
                        SourceKind::Scim => view! { <ScimFields form /> }.into_any(),
                        SourceKind::CsvFile => view! {
                            <label for="source-path">"Path of the file"</label>
                            <input id="source-path" data-testid="source-path" autocomplete="off" spellcheck="false"
                                placeholder="/var/exports/workday.csv" aria-describedby="source-path-hint source-path-error"
                                prop:value=move || form.path.get() on:input=move |ev| form.path.set(event_target_value(&ev)) />
                            <p class="note" id="source-path-hint">"An absolute path on the server. Its header names at least externalId and login; firstName, lastName and email are read as such, every other column becomes an attribute. A file missing or still being written fails the import and changes nothing."</p>
                            <p class="field-error" id="source-path-error" aria-live="polite">{error_of("path")}</p>
                        }.into_any(),
                    }}
                    {move || (kind.get() != SourceKind::Upload).then(|| view! { <ScheduleFields form /> })}
                    <div class="actions">
                        <button type="submit" class="primary" data-testid="save-source"
                            title=move || (!can.get()).then_some(reasons::IMPORT_SETTINGS)
                            disabled=move || !can.get() || save.pending().get()>"Save"</button>
                        {move || saved.get().then(|| view! { <span class="ok" data-testid="source-saved" role="status">"Saved."</span> })}
                        {move || (!errors.with(Vec::is_empty)).then(|| view! {
                            <span class="field-error" data-testid="source-not-saved">"Not saved: correct the fields marked."</span>
                        })}
                    </div>
                </fieldset>
            </form>
            <ReadOnlyNote id="source-read-only" reason=reasons::IMPORT_SETTINGS />
            {general}
        </section>
        {move || (saved_kind.get() != SourceKind::Upload).then(|| view! { <ReadSource app_id=app_id.get_value() dirty /> })}
    }
}

#[component]
fn LdapFields(form: Form) -> impl IntoView {
    let error_of = move |field| error_of(form.errors, field);
    view! {
        <label for="source-url">"URL"</label>
        <input id="source-url" data-testid="source-url" type="url" autocomplete="off" spellcheck="false"
            placeholder="ldaps://directory.example.com:636" aria-describedby="source-url-error"
            prop:value=move || form.url.get() on:input=move |ev| form.url.set(event_target_value(&ev)) />
        <p class="field-error" id="source-url-error" aria-live="polite">{error_of("url")}</p>

        <label class="check" for="source-start-tls">
            <input type="checkbox" id="source-start-tls" data-testid="source-start-tls"
                prop:checked=move || form.start_tls.get() on:change=move |ev| form.start_tls.set(event_target_checked(&ev)) />
            "StartTLS (upgrade an ldap:// connection before binding)"
        </label>
        <p class="field-error" aria-live="polite">{error_of("startTls")}</p>

        <label for="source-ca">"CA certificate (optional)"</label>
        <textarea id="source-ca" rows="4" spellcheck="false" placeholder="-----BEGIN CERTIFICATE-----"
            aria-describedby="source-ca-hint source-ca-error"
            prop:value=move || form.ca_certificate.get() on:input=move |ev| form.ca_certificate.set(event_target_value(&ev))></textarea>
        <p class="note" id="source-ca-hint">"PEM, for a directory whose certificate a private CA signed; trusted beside the system's roots."</p>
        <p class="field-error" id="source-ca-error" aria-live="polite">{error_of("caCertificate")}</p>

        <label for="source-bind-dn">"Bind DN"</label>
        <input id="source-bind-dn" autocomplete="off" spellcheck="false" placeholder="cn=reader,dc=example,dc=com"
            aria-describedby="source-bind-dn-hint source-bind-dn-error"
            prop:value=move || form.bind_dn.get() on:input=move |ev| form.bind_dn.set(event_target_value(&ev)) />
        <p class="note" id="source-bind-dn-hint">"Left empty, the directory is read anonymously."</p>
        <p class="field-error" id="source-bind-dn-error" aria-live="polite">{error_of("bindDn")}</p>

        <label for="source-password">"Password"</label>
        <div class="row">
            <input id="source-password" data-testid="source-password" type="password" autocomplete="new-password"
                aria-describedby="source-password-hint"
                prop:value=move || form.password.get()
                on:input=move |ev| { form.remove_password.set(false); form.password.set(event_target_value(&ev)); } />
            <SecretState is_set=form.password_set remove=form.remove_password typed=form.password what="password" testid="password" />
        </div>
        <p class="note" id="source-password-hint">"Never shown again once saved. Left empty, the saved password is kept."</p>

        <label for="source-base-dn">"Base DN"</label>
        <input id="source-base-dn" data-testid="source-base-dn" autocomplete="off" spellcheck="false" placeholder="ou=people,dc=example,dc=com"
            aria-describedby="source-base-dn-error"
            prop:value=move || form.base_dn.get() on:input=move |ev| form.base_dn.set(event_target_value(&ev)) />
        <p class="field-error" id="source-base-dn-error" aria-live="polite">{error_of("baseDn")}</p>

        <label for="source-scope">"Scope"</label>
        <select id="source-scope" on:change=move |ev| form.scope.set(if event_target_value(&ev) == "one" { LdapScope::One } else { LdapScope::Sub })>
            <option value="sub" selected=move || form.scope.get() == LdapScope::Sub>"The whole subtree under the base DN"</option>
            <option value="one" selected=move || form.scope.get() == LdapScope::One>"The base DN's children only"</option>
        </select>

        <label for="source-filter">"Filter"</label>
        <input id="source-filter" autocomplete="off" spellcheck="false" placeholder=DEFAULT_LDAP_FILTER
            aria-describedby="source-filter-error"
            prop:value=move || form.ldap_filter.get() on:input=move |ev| form.ldap_filter.set(event_target_value(&ev)) />
        <p class="field-error" id="source-filter-error" aria-live="polite">{error_of("filter")}</p>

        <PageSize value=form.ldap_page_size default=DEFAULT_LDAP_PAGE_SIZE errors=form.errors />
        <Mapping fields=form.ldap_mapping defaults=SourceMapping::ldap_default() errors=form.errors
            note="For Active Directory: objectGUID and userPrincipalName." />
        <Attributes value=form.ldap_attributes placeholder="title, departmentNumber" errors=form.errors />
    }
}

#[component]
fn ScimFields(form: Form) -> impl IntoView {
    let error_of = move |field| error_of(form.errors, field);
    view! {
        <label for="source-base-url">"Base URL"</label>
        <input id="source-base-url" data-testid="source-base-url" type="url" autocomplete="off" spellcheck="false"
            placeholder="https://hr.example.com/scim/v2" aria-describedby="source-base-url-hint source-base-url-error"
            prop:value=move || form.base_url.get() on:input=move |ev| form.base_url.set(event_target_value(&ev)) />
        <p class="note" id="source-base-url-hint">"Its /Users are read, page by page; a user with active: false is read as not in the source."</p>
        <p class="field-error" id="source-base-url-error" aria-live="polite">{error_of("baseUrl")}</p>

        <label for="source-token">"Bearer token"</label>
        <div class="row">
            <input id="source-token" data-testid="source-token" type="password" autocomplete="off"
                aria-describedby="source-token-hint"
                prop:value=move || form.bearer_token.get()
                on:input=move |ev| { form.remove_token.set(false); form.bearer_token.set(event_target_value(&ev)); } />
            <SecretState is_set=form.token_set remove=form.remove_token typed=form.bearer_token what="token" testid="token" />
        </div>
        <p class="note" id="source-token-hint">"Never shown again once saved. Left empty, the saved token is kept."</p>

        <PageSize value=form.scim_page_size default=DEFAULT_SCIM_PAGE_SIZE errors=form.errors />

        <label for="source-scim-filter">"Filter (optional)"</label>
        <input id="source-scim-filter" autocomplete="off" spellcheck="false" placeholder="active eq true"
            aria-describedby="source-filter-error"
            prop:value=move || form.scim_filter.get() on:input=move |ev| form.scim_filter.set(event_target_value(&ev)) />
        <p class="field-error" id="source-filter-error" aria-live="polite">{error_of("filter")}</p>

        <Mapping fields=form.scim_mapping defaults=SourceMapping::scim_default() errors=form.errors
            note="emails means the primary address, else the first." />
        <Attributes value=form.scim_attributes
            placeholder="title, urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
            errors=form.errors />
    }
}

#[component]
fn PageSize(
    value: RwSignal<String>,
    default: u32,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    view! {
        <label for="source-page-size">"Page size"</label>
        <input id="source-page-size" type="number" min="1" max=MAX_PAGE_SIZE.to_string() inputmode="numeric"
            placeholder=default.to_string() aria-describedby="source-page-size-error"
            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        <p class="field-error" id="source-page-size-error" aria-live="polite">{error_of(errors, "pageSize")}</p>
    }
}

#[component]
fn Mapping(
    fields: MappingFields,
    defaults: ResolvedMapping,
    errors: RwSignal<Vec<FieldError>>,
    note: &'static str,
) -> impl IntoView {
    let rows = [
        (
            "externalId",
            "External ID",
            fields.external_id,
            defaults.external_id,
        ),
        ("login", "Login", fields.login, defaults.login),
        ("email", "Email", fields.email, defaults.email),
        (
            "firstName",
            "First name",
            fields.first_name,
            defaults.first_name,
        ),
        (
            "lastName",
            "Last name",
            fields.last_name,
            defaults.last_name,
        ),
    ];
    view! {
        <fieldset class="mapping">
            <legend>"Mapping"</legend>
            <p class="note">"Which attribute gives each of a user's fields; left empty, the one shown. " {note}</p>
            {rows.into_iter().map(|(name, words, value, default)| {
                let id = format!("source-mapping-{name}");
                let error_id = format!("{id}-error");
                let field = match name {
                    "externalId" => "mapping.externalId",
                    "login" => "mapping.login",
                    "email" => "mapping.email",
                    "firstName" => "mapping.firstName",
                    _ => "mapping.lastName",
                };
                view! {
                    <label for=id.clone()>{words}</label>
                    <input id=id data-testid=format!("mapping-{name}") autocomplete="off" spellcheck="false"
                        placeholder=default aria-describedby=error_id.clone()
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                    <p class="field-error" id=error_id aria-live="polite">{error_of(errors, field)}</p>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn Attributes(
    value: RwSignal<String>,
    placeholder: &'static str,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    view! {
        <label for="source-attributes">"Extra attributes"</label>
        <textarea id="source-attributes" rows="2" spellcheck="false" placeholder=placeholder
            aria-describedby="source-attributes-hint source-attributes-error"
            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        <p class="note" id="source-attributes-hint">"More attributes copied into the app profile, separated by commas or lines."</p>
        <p class="field-error" id="source-attributes-error" aria-live="polite">{error_of(errors, "attributes")}</p>
    }
}

#[component]
fn ScheduleFields(form: Form) -> impl IntoView {
    let error_of = move |field| error_of(form.errors, field);
    let scheduled = form.scheduled;
    view! {
        <label for="source-schedule">"Schedule"</label>
        <div class="row">
            <select id="source-schedule" data-testid="source-schedule"
                on:change=move |ev| scheduled.set(event_target_value(&ev) == "every")>
                <option value="manual" selected=move || !scheduled.get()>"Manual only"</option>
                <option value="every" selected=move || scheduled.get()>"Every N minutes"</option>
            </select>
            {move || scheduled.get().then(|| view! {
                <label class="inline" for="source-every-minutes">"Every"</label>
                <input id="source-every-minutes" data-testid="source-every-minutes" type="number" min="1"
                    max=MAX_EVERY_MINUTES.to_string() inputmode="numeric" class="short"
                    aria-describedby="source-every-minutes-error"
                    prop:value=move || form.every_minutes.get() on:input=move |ev| form.every_minutes.set(event_target_value(&ev)) />
                <span>"minutes"</span>
            })}
        </div>
        <p class="note">"A schedule imports every so many minutes after the last import started, the first that long after you save."</p>
        <p class="field-error" id="source-every-minutes-error" data-testid="source-every-minutes-error" aria-live="polite">
            {move || error_of("schedule.everyMinutes")().or_else(error_of("schedule"))}
        </p>
    }
}

/// Test connection, Import now and Dry run, which read the saved source.
#[component]
fn ReadSource(app_id: String, dirty: RwSignal<bool>) -> impl IntoView {
    let app_id = StoredValue::new(app_id);
    let can = can_change();
    let test = Action::new_local(move |_: &()| {
        let id = app_id.get_value();
        async move { api::test_app_source(&id).await }
    });
    let start = Action::new_local(move |dry_run: &bool| {
        let (id, dry_run) = (app_id.get_value(), *dry_run);
        async move { api::import_now(&id, dry_run).await.map(|i| (dry_run, i)) }
    });
    let navigate = use_navigate();
    let watch = RoadblockWatch::expect();
    Effect::new(move |_| {
        // A dry run is not stored: it is shown here. An import has a page of its own.
        if let Some(Ok((false, import))) = start.value().get() {
            watch.refresh();
            navigate(&format!("/imports/{}", import.id), Default::default());
        }
    });
    let busy = move || test.pending().get() || start.pending().get();
    view! {
        <section class="card" data-testid="read-source">
            <h2>"Read the source"</h2>
            <p class="muted">"These read the saved settings. A dry run plans the import and checks it against the safeguards; it changes nothing."</p>
            {move || dirty.get().then(|| view! { <p class="warn" data-testid="source-unsaved">"The settings above have unsaved changes: save them first."</p> })}
            <div class="actions">
                <button data-testid="test-source" disabled=move || !can.get() || busy()
                    title=move || (!can.get()).then_some(reasons::IMPORT_SETTINGS)
                    aria-describedby=move || (!can.get()).then_some("read-source-read-only")
                    on:click=move |_| { start.value().set(None); test.dispatch(()); }>"Test connection"</button>
                <button data-testid="import-now-dry-run" disabled=busy
                    on:click=move |_| { test.value().set(None); start.dispatch(true); }>"Dry run"</button>
                <button class="primary" data-testid="import-now" disabled=move || !can.get() || busy()
                    title=move || (!can.get()).then_some(reasons::IMPORT_SETTINGS)
                    aria-describedby=move || (!can.get()).then_some("read-source-read-only")
                    on:click=move |_| { test.value().set(None); start.dispatch(false); }>"Import now"</button>
            </div>
            <ReadOnlyNote id="read-source-read-only" reason=reasons::IMPORT_SETTINGS />
            {move || busy().then(|| view! { <p class="loading">"Reading the source…"</p> })}
            {move || test.value().get().map(|result| match result {
                Ok(result) => view! { <TestResult result /> }.into_any(),
                Err(error) => view! { <div data-testid="source-test-problem"><ProblemView error /></div> }.into_any(),
            })}
            {move || start.value().get().map(|result| match result {
                Ok((true, plan)) => view! { <DryRunResult plan /> }.into_any(),
                Ok((false, _)) => ().into_any(),
                Err(error) => view! { <div data-testid="import-now-problem"><ProblemView error /></div> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn TestResult(result: SourceTestResult) -> impl IntoView {
    let seconds = format::one_decimal(result.duration_ms as f64 / 1000.0);
    let users = match result.users {
        1 => "1 user".to_owned(),
        n => format!("{} users", format::count(n)),
    };
    let shown = result.sample.len();
    view! {
        <div class="source-test" data-testid="source-test-result">
            <p class="ok" data-testid="source-test-summary">{format!("Connected: read {users} in {seconds} s. Nothing was imported.")}</p>
            {(shown > 0).then(|| view! {
                <h3>{format!("The first {shown} as they would be imported")}</h3>
                <div class="table-wrap">
                    <table class="source-sample" data-testid="source-sample">
                        <thead><tr><th>"Login"</th><th>"External ID"</th><th>"Name"</th><th>"Email"</th></tr></thead>
                        <tbody>{result.sample.into_iter().map(|u| {
                            let name = [u.first_name, u.last_name].into_iter().flatten().collect::<Vec<_>>().join(" ");
                            view! {
                                <tr data-testid="source-sample-row">
                                    <td>{u.login}</td>
                                    <td>{u.external_id}</td>
                                    <td>{name}</td>
                                    <td>{u.email.unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table>
                </div>
            })}
            <SourceWarnings warnings=result.warnings />
        </div>
    }
}

#[component]
fn DryRunResult(plan: ImportView) -> impl IntoView {
    let c = plan.counts;
    let verdict = match &plan.roadblock {
        None => "Passes the safeguards: an import now would run (or queue, if a roadblock stands)."
            .to_owned(),
        Some(r) => format!("Would be paused. {}.", cause_sentence(&r.cause)),
    };
    view! {
        <div class="dry-run" data-testid="source-dry-run-result">
            <p class=if plan.roadblock.is_some() { "warn" } else { "ok" }>{verdict}</p>
            <p>{format!("{} scanned · {} created · {} updated · {} assigned · {} unassigned · {} deactivated",
                format::count(c.scanned), format::count(c.created), format::count(c.updated), format::count(c.assigned),
                format::count(c.unassigned), format::count(c.deactivated))}
                {(c.reactivated > 0).then(|| format!(" · {} reactivated", format::count(c.reactivated)))}</p>
            <SourceWarnings warnings=plan.warnings />
        </div>
    }
}
