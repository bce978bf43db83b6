//! The admin pages (`/admin`, `/admin/accounts/{id}`): server-rendered, plain forms, no script.
//! Each asks the server first; an administrator whose second factor is not fresh gets the
//! "Confirm it is you" form instead, and everyone else the reason they cannot enter.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::settings::ActivityList;
use crate::admin::{AdminAccount, AdminAccountDetail, AdminAccountPage, AdminActionRecord};
use crate::api::admin::{
    admin_account, admin_accounts, AdminConfirm, AdminEndSessions, AdminGiveAccessCode, AdminRequireSetup,
};
use crate::api::{get_two_factor_status, SendSmsCode};
use crate::dates::{local_date, local_date_time};
use crate::error::AppError;
use crate::i18n::{self, fill, Locale};
use crate::ui::form::{posted_form_error, posted_notice, second_factor_field, FormError};

/// The list of accounts: search by email, only those without 2FA, paged.
#[component]
pub fn AdminPage() -> impl IntoView {
    let locale = i18n::current();
    let query = use_query_map().get_untracked();
    let search = query.get("search").unwrap_or_default();
    let without = query.get("without").is_some_and(|v| v == "1");
    let page = query.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1);
    view! {
        <h1>{td_string!(locale, admin.title)}</h1>
        <Suspense fallback=|| ()>
            {move || {
                let search = search.clone();
                Suspend::new(async move {
                    match admin_accounts(Some(search.clone()), Some(page), Some(without)).await {
                        Ok(found) => view! { <AccountList found search without/> }.into_any(),
                        Err(error) => refused(error).await,
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AccountList(found: AdminAccountPage, search: String, without: bool) -> impl IntoView {
    let locale = i18n::current();
    let page_label = fill(td_string!(locale, admin.page), &[("page", &found.page.to_string())]);
    let pager_name = page_label.clone();
    view! {
        <section class="card" aria-labelledby="accounts-title">
            <h2 id="accounts-title">{td_string!(locale, admin.accounts)}</h2>
            <form method="get" action="/admin" class="admin-search" role="search">
                <label for="admin-search">{td_string!(locale, admin.search_label)}</label>
                <input id="admin-search" name="search" type="search" value=search.clone() autocomplete="off" maxlength="254"/>
                <label class="checkbox">
                    <input type="checkbox" name="without" value="1" checked=without/>
                    {td_string!(locale, admin.without_two_factor_only)}
                </label>
                <button type="submit">{td_string!(locale, admin.search)}</button>
            </form>
            {if found.accounts.is_empty() {
                view! { <p>{td_string!(locale, admin.no_accounts)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="accounts">
                            <thead>
                                <tr>
                                    <th scope="col">{td_string!(locale, admin.email)}</th>
                                    <th scope="col">{td_string!(locale, admin.methods)}</th>
                                    <th scope="col">{td_string!(locale, admin.confirmed)}</th>
                                    <th scope="col">{td_string!(locale, admin.last_login)}</th>
                                    <th scope="col">{td_string!(locale, admin.active_sessions)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {found.accounts.into_iter().map(|account| view! { <AccountRow account locale/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            // The browser writes the search into the next page's address: a form, not a link.
            <form method="get" action="/admin" class="pages" aria-label=pager_name>
                <input type="hidden" name="search" value=search.clone()/>
                {without.then(|| view! { <input type="hidden" name="without" value="1"/> })}
                {(found.page > 1).then(|| view! {
                    <button type="submit" name="page" value=(found.page - 1).to_string() class="secondary">{td_string!(locale, admin.previous_page)}</button>
                })}
                <span>{page_label}</span>
                {found.more.then(|| view! {
                    <button type="submit" name="page" value=(found.page + 1).to_string() class="secondary">{td_string!(locale, admin.next_page)}</button>
                })}
            </form>
        </section>
    }
}

#[component]
fn AccountRow(account: AdminAccount, locale: Locale) -> impl IntoView {
    let methods = methods_text(&account, locale);
    view! {
        <tr>
            <th scope="row">
                <a href=format!("/admin/accounts/{}", account.id)>{account.email.clone()}</a>
                {account.administrator.then(|| view! { <span class="tag">{td_string!(locale, admin.administrator)}</span> })}
            </th>
            <td>{methods}</td>
            <td>{yes_no(account.email_confirmed, locale)}</td>
            <td>{last_login(&account, locale)}</td>
            <td>{account.active_sessions}</td>
        </tr>
    }
}

fn methods_text(account: &AdminAccount, locale: Locale) -> String {
    if !account.two_factor_on() {
        return td_string!(locale, admin.no_two_factor).to_owned();
    }
    let mut methods = Vec::new();
    if account.app {
        methods.push(td_string!(locale, admin.app).to_owned());
    }
    if account.sms {
        methods.push(td_string!(locale, admin.sms).to_owned());
    }
    if account.passkeys > 0 {
        methods.push(fill(td_string!(locale, admin.passkeys), &[("count", &account.passkeys.to_string())]));
    }
    methods.join(", ")
}

fn yes_no(yes: bool, locale: Locale) -> &'static str {
    if yes {
        td_string!(locale, admin.yes)
    } else {
        td_string!(locale, admin.no)
    }
}

fn last_login(account: &AdminAccount, locale: Locale) -> String {
    account.last_login_at.map(local_date_time).unwrap_or_else(|| td_string!(locale, admin.never).to_owned())
}

/// One account: what it has, the three actions, its activity and the audit trail.
#[component]
pub fn AdminAccountPage() -> impl IntoView {
    let locale = i18n::current();
    let id = use_params_map().get_untracked().get("id").and_then(|id| id.parse::<i64>().ok());
    view! {
        <h1>{td_string!(locale, admin.title)}</h1>
        <p><a href="/admin">{td_string!(locale, admin.all_accounts)}</a></p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let found = match id {
                    Some(id) => admin_account(id).await,
                    None => Err(AppError::NotFound),
                };
                match found {
                    Ok(detail) => {
                        let given = shown_access_code().await;
                        view! { <AccountDetail detail given/> }.into_any()
                    }
                    Err(error) => refused(error).await,
                }
            })}
        </Suspense>
    }
}

/// The access code a plain form just gave, and until when: only on the page it was sent on to.
async fn shown_access_code() -> Option<(String, i64)> {
    #[cfg(feature = "ssr")]
    {
        let shown = crate::api::context::take_shown_once().await?;
        let (code, until) = shown.split_once('\n')?;
        Some((code.to_owned(), until.parse().ok()?))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
fn AccountDetail(detail: AdminAccountDetail, given: Option<(String, i64)>) -> impl IntoView {
    let locale = i18n::current();
    let notice = posted_notice();
    let account = detail.account;
    let id = account.id.to_string();
    let email = account.email.clone();
    let notice = match notice.as_deref() {
        Some("admin-sessions-ended") => Some(td_string!(locale, admin.sessions_ended)),
        Some("admin-setup-required") => Some(td_string!(locale, admin.setup_required_done)),
        _ => None,
    };
    view! {
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">{account.email.clone()}</h2>
            {given.map(|(code, until)| view! {
                <div class="banner given-code" role="status">
                    <p>{fill(td_string!(locale, admin.code_given), &[("email", &email)])}</p>
                    <p><code class="access-code">{code}</code></p>
                    <p>{fill(td_string!(locale, admin.code_given_note), &[("until", &local_date_time(until))])}</p>
                </div>
            })}
            {notice.map(|text| view! { <p class="banner" role="status">{text}</p> })}
            <dl class="facts">
                <dt>{td_string!(locale, admin.methods)}</dt>
                <dd>{methods_text(&account, locale)}</dd>
                <dt>{td_string!(locale, admin.confirmed)}</dt>
                <dd>{yes_no(account.email_confirmed, locale)}</dd>
                <dt>{td_string!(locale, admin.member_since)}</dt>
                <dd>{local_date(account.created_at)}</dd>
                <dt>{td_string!(locale, admin.last_login)}</dt>
                <dd>{last_login(&account, locale)}</dd>
                <dt>{td_string!(locale, admin.active_sessions)}</dt>
                <dd>{account.active_sessions}</dd>
                <dt>{td_string!(locale, admin.administrator)}</dt>
                <dd>{yes_no(account.administrator, locale)}</dd>
                <dt>{td_string!(locale, admin.setup_required)}</dt>
                <dd>{yes_no(detail.setup_required, locale)}</dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="help-title">
            <h2 id="help-title">{td_string!(locale, admin.help_title)}</h2>
            <p>{td_string!(locale, admin.help_intro)}</p>
            <form action=AdminGiveAccessCode::PATH method="post" class="admin-action" aria-labelledby="give-code-title">
                <h3 id="give-code-title">{td_string!(locale, admin.give_code)}</h3>
                <input type="hidden" name="account" value=id.clone()/>
                <ReasonField id="code-reason"/>
                <label for="code-hours">{td_string!(locale, admin.hours)}</label>
                <input id="code-hours" name="hours" type="number" min="1" max="24" value="4" required/>
                <FormError error={posted_form_error::<AdminGiveAccessCode>()}/>
                <button type="submit">{td_string!(locale, admin.give_code)}</button>
            </form>
            <form action=AdminEndSessions::PATH method="post" class="admin-action" aria-labelledby="end-sessions-title">
                <h3 id="end-sessions-title">{td_string!(locale, admin.end_sessions)}</h3>
                <p>{td_string!(locale, admin.end_sessions_intro)}</p>
                <input type="hidden" name="account" value=id.clone()/>
                <ReasonField id="end-reason"/>
                <FormError error={posted_form_error::<AdminEndSessions>()}/>
                <button type="submit" class="secondary">{td_string!(locale, admin.end_sessions)}</button>
            </form>
            <form action=AdminRequireSetup::PATH method="post" class="admin-action" aria-labelledby="require-setup-title">
                <h3 id="require-setup-title">{td_string!(locale, admin.require_setup)}</h3>
                <p>{td_string!(locale, admin.require_setup_intro)}</p>
                <input type="hidden" name="account" value=id/>
                <ReasonField id="setup-reason"/>
                <FormError error={posted_form_error::<AdminRequireSetup>()}/>
                <button type="submit" class="secondary">{td_string!(locale, admin.require_setup)}</button>
            </form>
        </section>
        <section class="card" aria-labelledby="admin-actions-title">
            <h2 id="admin-actions-title">{td_string!(locale, admin.actions_title)}</h2>
            {if detail.actions.is_empty() {
                view! { <p>{td_string!(locale, admin.no_actions)}</p> }.into_any()
            } else {
                view! {
                    <ul class="activity" aria-label=td_string!(locale, admin.actions_title)>
                        {detail.actions.into_iter().map(|action| view! { <ActionItem action locale/> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        <section class="card" aria-labelledby="admin-activity-title">
            <h2 id="admin-activity-title">{td_string!(locale, admin.activity_title)}</h2>
            {if detail.events.is_empty() {
                view! { <p>{td_string!(locale, admin.nothing_yet)}</p> }.into_any()
            } else {
                view! { <ActivityList events=detail.events locale/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn ReasonField(id: &'static str) -> impl IntoView {
    let locale = i18n::current();
    let hint = format!("{id}-hint");
    view! {
        <label for=id>{td_string!(locale, admin.reason)}</label>
        <input id=id name="reason" type="text" maxlength="500" required aria-describedby=hint.clone()/>
        <p id=hint class="hint">{td_string!(locale, admin.reason_hint)}</p>
    }
}

#[component]
fn ActionItem(action: AdminActionRecord, locale: Locale) -> impl IntoView {
    let what = match action.action.as_str() {
        "access_code" => td_string!(locale, admin.action_access_code),
        "end_all_sessions" => td_string!(locale, admin.action_end_all_sessions),
        _ => td_string!(locale, admin.action_require_setup_again),
    };
    let by = fill(
        td_string!(locale, admin.action_by),
        &[("when", &local_date_time(action.at)), ("who", &action.given_by), ("reason", &action.reason)],
    );
    view! {
        <li class="admin-action-record">
            <span class="activity-what">{what}</span>
            <span class="activity-when">{by}</span>
        </li>
    }
}

/// Why the admin pages do not open: a second factor to confirm (with its form, and a button to
/// text a code when the account has a number), or a refusal.
async fn refused(error: AppError) -> AnyView {
    let locale = i18n::current();
    match error {
        AppError::FreshSecondFactorRequired => {
            let sms_to = get_two_factor_status().await.ok().and_then(|status| status.sms_to);
            view! {
                <section class="card" aria-labelledby="confirm-title">
                    <h2 id="confirm-title">{td_string!(locale, admin.confirm_title)}</h2>
                    <p>{td_string!(locale, admin.confirm_intro)}</p>
                    <form action=AdminConfirm::PATH method="post">
                        {second_factor_field("admin-code", None)}
                        <FormError error={posted_form_error::<AdminConfirm>()}/>
                        <button type="submit">{td_string!(locale, admin.confirm)}</button>
                    </form>
                    {sms_to.map(|to| view! {
                        <form action=SendSmsCode::PATH method="post" class="inline">
                            <button type="submit" class="secondary">{fill(td_string!(locale, admin.text_me_a_code), &[("to", &to)])}</button>
                        </form>
                        <FormError error={posted_form_error::<SendSmsCode>()}/>
                    })}
                </section>
            }
            .into_any()
        }
        AppError::AdministratorWithoutTwoFactor => view! {
            <p role="alert">
                {error.message(locale)}
                " "
                <a href="/settings/security">{td_string!(locale, settings.security)}</a>
            </p>
        }
        .into_any(),
        error => view! { <p role="alert">{error.message(locale)}</p> }.into_any(),
    }
}
