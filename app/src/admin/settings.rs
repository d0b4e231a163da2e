//! `/{locale}/admin/settings` (administrators): the exporter profile printed on e-COs.

use leptos::prelude::*;
use leptos_meta::Title;

use super::server_fns::{AdminSaveExporterProfile, admin_exporter_profile};
use crate::account::country_options;
use crate::components::form::{CsrfField, Field, FormStatus, Input, SelectField, field_errors};
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, use_i18n, use_locale};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    view! {
        <Title text=t.admin_nav_settings />
        <h1>{t.admin_nav_settings}</h1>
        <p class="muted">{t.settings_intro}</p>
        <ExporterProfileForm locale />
    }
}

/// The exporter profile form (an island, loaded only in the admin panel).
#[island(lazy)]
fn ExporterProfileForm(locale: Locale) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let save = ServerAction::<AdminSaveExporterProfile>::new();
    let errors = field_errors(save.value());
    let data = Resource::new(|| (), |()| admin_exporter_profile());
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let viewer = match super::admin_viewer_ready().await {
                    Ok(v) => v,
                    Err(e) => return view! { <ErrorPanel error=e /> }.into_any(),
                };
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(p) => view! {
                        <ActionForm action=save attr:class="card form" attr:novalidate="">
                            <h2>{t.settings_exporter_heading}</h2>
                            <CsrfField token=viewer.csrf.clone() />
                            <Field label=t.field_legal_name name="form[legal_name]" field="legal_name" value=p.legal_name errors required=true maxlength=200 />
                            <Field label=t.field_address name="form[address]" field="address" value=p.address errors kind=Input::TextArea required=true maxlength=500 />
                            <SelectField label=t.field_country name="form[country]" field="country" value=p.country
                                options=country_options(t) errors required=true placeholder=t.field_choose />
                            <Field label=t.field_approved_exporter_code name="form[approved_exporter_code]" field="approved_exporter_code"
                                value=p.approved_exporter_code errors hint=t.field_approved_exporter_code_hint maxlength=64 />
                            <Field label=t.field_signatory_name name="form[signatory_name]" field="signatory_name" value=p.signatory_name errors required=true maxlength=120 />
                            <Field label=t.field_signatory_title name="form[signatory_title]" field="signatory_title" value=p.signatory_title errors required=true maxlength=120 />
                            <Field label=t.field_contact_email name="form[contact_email]" field="contact_email" value=p.contact_email errors kind=Input::Email maxlength=254 />
                            <Field label=t.field_declaration_place name="form[declaration_place]" field="declaration_place" value=p.declaration_place errors hint=t.field_declaration_place_hint maxlength=120 />
                            <h2>{t.settings_issuing_heading}</h2>
                            <p class="hint">{t.settings_issuing_hint}</p>
                            <SelectField label=t.field_issuing_mode name="form[issuing_mode]" field="issuing_mode"
                                value=if p.issuing_mode.is_empty() { "approved_exporter".to_owned() } else { p.issuing_mode.clone() }
                                options=vec![
                                    ("approved_exporter".to_owned(), t.issuing_mode_approved_exporter.to_owned()),
                                    ("issuing_body".to_owned(), t.issuing_mode_issuing_body.to_owned()),
                                ] errors required=true />
                            <Field label=t.field_issuing_body_name name="form[issuing_body_name]" field="issuing_body_name" value=p.issuing_body_name errors hint=t.field_issuing_body_name_hint maxlength=200 />
                            <Field label=t.field_issuing_body_place name="form[issuing_body_place]" field="issuing_body_place" value=p.issuing_body_place errors maxlength=120 />
                            <FormStatus value=save.value() pending=save.pending() success=t.form_saved />
                            <button type="submit" class="button primary" disabled=move || save.pending().get()>{t.form_save}</button>
                        </ActionForm>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
