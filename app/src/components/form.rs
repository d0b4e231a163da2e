//! Form building blocks: labelled fields that show their error (translated by code), the
//! hidden CSRF field, and the status line of a submitted form.

use domain::form::FieldError;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Messages, use_i18n};

/// A field error in the page's language: the text under `form_error_<code>`, else the
/// English message from the server.
pub fn error_text(t: &'static Messages, e: &FieldError) -> String {
    t.lookup(&format!("form_error_{}", e.code))
        .map_or_else(|| e.message.clone(), str::to_owned)
}

/// The field errors of an action's latest result.
pub fn field_errors<T: Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
) -> Signal<Vec<FieldError>> {
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => e.field_errors().to_vec(),
            _ => Vec::new(),
        })
    })
}

fn error_for(errors: Signal<Vec<FieldError>>, field: &'static str) -> Signal<Option<String>> {
    let t = use_i18n();
    Signal::derive(move || {
        errors.with(|list| {
            list.iter()
                .find(|e| e.field == field)
                .map(|e| error_text(t, e))
        })
    })
}

/// The shape of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Input {
    #[default]
    Text,
    Email,
    Number,
    TextArea,
}

/// A labelled input named `name` (`form[field]` for struct arguments) whose error is the
/// one for `field`.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    #[prop(into)] value: String,
    errors: Signal<Vec<FieldError>>,
    #[prop(optional)] kind: Input,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let id = format!("f-{}", name.replace(['[', ']'], "-"));
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = error_for(errors, field);
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let control = match kind {
        Input::TextArea => view! {
            <textarea id=id.clone() name=name rows="4" required=required maxlength=maxlength
                aria-invalid=invalid aria-describedby=described.clone()>{value}</textarea>
        }
        .into_any(),
        other => {
            let ty = match other {
                Input::Email => "email",
                Input::Number => "number",
                _ => "text",
            };
            view! {
                <input id=id.clone() type=ty name=name value=value required=required
                    maxlength=maxlength aria-invalid=invalid aria-describedby=described.clone() />
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:required=required class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {control}
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=err_id.clone() role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A labelled `<select>` with `(value, text)` options.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    #[prop(into)] value: String,
    options: Vec<(String, String)>,
    errors: Signal<Vec<FieldError>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let id = format!("f-{}", name.replace(['[', ']'], "-"));
    let err_id = format!("{id}-error");
    let error = error_for(errors, field);
    let invalid = move || error.with(Option::is_some).then_some("true");
    let options = options
        .into_iter()
        .map(|(v, text)| {
            let selected = v == value;
            view! { <option value=v selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:required=required class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <select id=id.clone() name=name required=required aria-invalid=invalid aria-describedby=err_id.clone()>
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options}
            </select>
            <p class="field-error" id=err_id.clone() role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A labelled checkbox (sends `on` when ticked).
#[component]
pub fn CheckField(label: &'static str, name: &'static str, checked: bool) -> impl IntoView {
    let id = format!("f-{}", name.replace(['[', ']'], "-"));
    view! {
        <div class="field check">
            <input id=id.clone() type="checkbox" name=name checked=checked />
            <label for=id>{label}</label>
        </div>
    }
}

/// The session's CSRF token, sent with every state-changing form.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=token /> }
}

/// What happened to the last submission: saved, or why not (errors other than field
/// errors, which the fields show).
#[component]
pub fn FormStatus<T: Clone + Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
    pending: Memo<bool>,
    success: &'static str,
) -> impl IntoView {
    let t = use_i18n();
    move || {
        if pending.get() {
            return view! { <p class="form-status pending" role="status">{t.form_saving}</p> }
                .into_any();
        }
        match value.get() {
            None => ().into_any(),
            Some(Ok(_)) => {
                view! { <p class="form-status ok" role="status">{success}</p> }.into_any()
            }
            Some(Err(AppError::Fields(_))) => {
                view! { <p class="form-status error" role="alert">{t.form_fix_errors}</p> }
                    .into_any()
            }
            Some(Err(e)) => {
                view! { <p class="form-status error" role="alert"><ActionError error=e /></p> }
                    .into_any()
            }
        }
    }
}

/// A failed action in words a person can act on.
pub fn action_error(t: &'static Messages, e: &AppError) -> String {
    match e {
        AppError::NotSignedIn => t.sign_in_needed_body.to_owned(),
        AppError::Forbidden => t.error_forbidden_body.to_owned(),
        AppError::CsrfFailed => t.error_csrf_body.to_owned(),
        AppError::BadRequest(m) | AppError::Conflict(m) => m.clone(),
        AppError::NotFound => t.not_found_title.to_owned(),
        AppError::Fields(_) => t.form_fix_errors.to_owned(),
        AppError::RecentAuthRequired => t.recent_auth_needed.to_owned(),
        AppError::TwoFactorRequired => t.two_factor_required_body.to_owned(),
        AppError::BadFilter(_) | AppError::Internal | AppError::Call(_) => {
            t.error_internal_body.to_owned()
        }
    }
}

/// A failed action in words, with the way forward when there is one: confirming one's
/// identity (and coming back to this page), or setting up two-step sign-in.
#[component]
pub fn ActionError(error: AppError) -> impl IntoView {
    let t = use_i18n();
    let locale = crate::i18n::use_locale();
    let way_forward = match &error {
        AppError::RecentAuthRequired => Some((
            crate::paths::confirm_identity(locale, crate::paths::current_page().as_deref()),
            t.recent_auth_link,
        )),
        AppError::TwoFactorRequired => {
            Some((crate::paths::account(locale), t.two_factor_set_up_link))
        }
        _ => None,
    };
    view! {
        <span class="error">{action_error(t, &error)}</span>
        {way_forward.map(|(href, label)| view! { " " <a href=href data-testid="action-error-link">{label}</a> })}
    }
}
