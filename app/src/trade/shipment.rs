//! The order page's shipment section (both sides): the route on a Leaflet map — ports with
//! popups, sailed legs solid and planned legs dashed along the sea lanes, the current
//! position — beside the milestone timeline (PLN/EST/ACT badges, times in the viewer's time
//! zone, who sent each event and when), the ETA and how far it moved, and delay flags. An
//! island: it follows `GET /api/v1/shipments/{reference}/stream` and redraws without a
//! reload. Without JavaScript the summary and the timeline are there as the server rendered
//! them.

use leptos::html::Div;
use leptos::prelude::*;
use leptos_meta::{Link, Script};

use domain::trade::views::{ShipmentDocument, ShipmentMilestone, ShipmentPort};

use super::server_fns::get_order_shipment;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, Messages, fill};

/// Leaflet's files, copied into the site at build time (`.ci/build-site`).
pub const LEAFLET_JS: &str = "/vendor/leaflet/leaflet.js";
pub const LEAFLET_CSS: &str = "/vendor/leaflet/leaflet.css";
/// The offline land layer (Natural Earth 110 m, from `world-atlas`), as GeoJSON.
pub const LAND_LAYER: &str = "/vendor/map/land-110m.geojson";

/// The section: loads the order's shipment, then hands it to the live island.
#[component]
pub fn ShipmentSection(locale: Locale, number: String) -> impl IntoView {
    let t = locale.messages();
    let data = Resource::new(|| (), move |()| get_order_shipment(number.clone()));
    view! {
        <Link rel="stylesheet" href=LEAFLET_CSS />
        <Script src=LEAFLET_JS />
        <section class="panel shipment" aria-labelledby="order-shipment-title" data-testid="order-shipment">
            <h2 id="order-shipment-title">{t.order_shipment_title}</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(s) => view! {
                            <ShipmentLive locale reference=s.reference doc=s.document tiles=s.tiles />
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn word(t: &'static Messages, prefix: &str, key: &str, fallback: &str) -> String {
    t.lookup(&format!("{prefix}{}", key.to_ascii_lowercase()))
        .map_or_else(|| fallback.to_owned(), str::to_owned)
}

fn classifier_title(t: &'static Messages, c: &str) -> &'static str {
    match c {
        "ACT" => t.shipment_actual,
        "EST" => t.shipment_estimated,
        _ => t.shipment_planned,
    }
}

fn port_name(p: &ShipmentPort) -> String {
    match (&p.name, &p.unlocode) {
        (Some(n), Some(c)) => format!("{n} ({c})"),
        (None, Some(c)) => c.clone(),
        (Some(n), None) => n.clone(),
        (None, None) => p.code_as_sent.clone(),
    }
}

/// A time as the server renders it (the partner's offset kept): `2026-03-12 07:42 +07:00`.
fn time_as_sent(rfc: &str) -> String {
    let date_time = rfc.get(..16).unwrap_or(rfc).replace('T', " ");
    let offset = rfc.get(19..).unwrap_or("");
    let offset = offset.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = if offset == "Z" { "UTC" } else { offset };
    format!("{date_time} {offset}").trim().to_owned()
}

/// A time in the viewer's zone and language (in the browser), else as sent.
fn when(locale: Locale, rfc: &str, local: bool) -> String {
    #[cfg(feature = "hydrate")]
    if local {
        use wasm_bindgen::JsValue;
        let d = js_sys::Date::new(&JsValue::from_str(rfc));
        if !d.get_time().is_nan() {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
            let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
            if let Some(s) = d.to_locale_string(locale.tag(), &options).as_string() {
                return s;
            }
        }
    }
    let _ = (locale, local);
    time_as_sent(rfc)
}

fn duration_text(t: &'static Messages, minutes: i64) -> String {
    let m = minutes.unsigned_abs();
    let (h, m) = (m / 60, m % 60);
    if h == 0 {
        fill(t.shipment_minutes, &[("minutes", &m)])
    } else if m == 0 {
        fill(t.shipment_hours, &[("hours", &h)])
    } else {
        fill(t.shipment_hours_minutes, &[("hours", &h), ("minutes", &m)])
    }
}

fn delay_text(t: &'static Messages, d: &ShipmentDocument, i: usize) -> String {
    let f = &d.delay_flags[i];
    let port = f
        .port
        .and_then(|p| d.port_calls.get(p))
        .map(port_name)
        .unwrap_or_default();
    let by = f.minutes.map(|m| duration_text(t, m)).unwrap_or_default();
    let template = match f.flag.as_str() {
        "eta_slipped" => t.shipment_delay_eta_slipped,
        "arrival_late" => t.shipment_delay_arrival_late,
        "departure_late" => t.shipment_delay_departure_late,
        "overdue" => t.shipment_delay_overdue,
        _ => t.shipment_delay_reported,
    };
    fill(
        template,
        &[
            ("port", &port),
            ("by", &by),
            ("reason", &f.reason.clone().unwrap_or_default()),
        ],
    )
}

/// The live part: summary, map and timeline, redrawn from each new document.
#[island(lazy)]
pub fn ShipmentLive(
    locale: Locale,
    reference: String,
    doc: Option<ShipmentDocument>,
    tiles: Option<String>,
) -> impl IntoView {
    provide_context(locale);
    let t = locale.messages();
    let doc = RwSignal::new(doc);
    // True once running in the browser: times switch to the viewer's zone, the map appears.
    let live = RwSignal::new(false);
    let map_el = NodeRef::<Div>::new();
    #[cfg(feature = "hydrate")]
    map::start(map_el, doc, live, reference.clone(), tiles.clone(), locale);
    #[cfg(not(feature = "hydrate"))]
    let _ = (&tiles, map_el);
    let seq = move || doc.with(|d| d.as_ref().map_or(0, |d| d.seq).to_string());
    let position = move || {
        doc.with(|d| {
            d.as_ref()
                .and_then(|d| d.position.as_ref())
                .map(|p| format!("{:.4},{:.4}", p.lat, p.lon))
        })
    };
    let status = move || {
        doc.with(|d| {
            let s = d.as_ref().map_or("planned", |d| d.status.as_str());
            (s.to_owned(), word(t, "shipment_status_", s, s))
        })
    };
    let summary = move || {
        let local = live.get();
        doc.with(|d| {
            let d = d.as_ref()?;
            let eta = d.eta.as_ref().map(|e| {
                let port = d.port_calls.get(e.port).map(port_name).unwrap_or_default();
                let change = e.change_minutes.filter(|m| *m != 0).map(|m| {
                    let by = duration_text(t, m);
                    if m > 0 {
                        fill(t.shipment_eta_later, &[("by", &by)])
                    } else {
                        fill(t.shipment_eta_earlier, &[("by", &by)])
                    }
                });
                (
                    fill(t.shipment_eta, &[("port", &port), ("time", &when(locale, &e.time, local))]),
                    e.classifier.clone(),
                    change,
                )
            });
            let updated = d
                .last_updated
                .as_deref()
                .map(|u| fill(t.shipment_last_updated, &[("time", &when(locale, u, local))]));
            let delays: Vec<String> = (0..d.delay_flags.len()).map(|i| delay_text(t, d, i)).collect();
            Some(view! {
                {eta.map(|(text, cls, change)| view! {
                    <p class="shipment-eta" data-testid="shipment-eta">
                        <abbr class=format!("badge cls-{}", cls.to_ascii_lowercase()) title=classifier_title(t, &cls)>{cls.clone()}</abbr>
                        " " {text}
                        {change.map(|c| view! { " " <span class="shipment-eta-change">{c}</span> })}
                    </p>
                })}
                {(!delays.is_empty()).then(|| view! {
                    <ul class="shipment-delays plain" data-testid="shipment-delays">
                        {delays.into_iter().map(|d| view! { <li class="notice warn">{d}</li> }).collect_view()}
                    </ul>
                })}
                {updated.map(|u| view! { <p class="muted small">{u}</p> })}
            })
        })
    };
    let timeline = move || {
        let local = live.get();
        doc.with(|d| {
            let Some(d) = d.as_ref().filter(|d| !d.events.is_empty()) else {
                return view! { <p class="empty" data-testid="shipment-empty">{t.order_shipment_empty}</p> }.into_any();
            };
            let items = d
                .events
                .iter()
                .map(|m| milestone(t, locale, d, m, local))
                .collect_view();
            view! {
                <h3 id="shipment-timeline-title">{t.shipment_timeline_title}</h3>
                <ol class="milestones plain" aria-labelledby="shipment-timeline-title" data-testid="shipment-timeline">{items}</ol>
            }
            .into_any()
        })
    };
    view! {
        <div class="shipment-live" data-testid="shipment-live" data-seq=seq data-position=position data-reference=reference.clone()>
            <p class="shipment-status" aria-live="polite">
                {move || {
                    let (key, label) = status();
                    view! { <span class=format!("status status-{key}") data-testid="shipment-status">{label}</span> }
                }}
                " "
                <span class="muted">{fill(t.shipment_reference, &[("reference", &reference)])}</span>
            </p>
            <div aria-live="polite">{summary}</div>
            <div class="shipment-map" node_ref=map_el role="region" aria-label=t.shipment_map_label data-testid="shipment-map">
                <p class="map-fallback muted" hidden=move || live.get()>{t.shipment_map_needs_js}</p>
            </div>
            {timeline}
        </div>
    }
}

fn milestone(
    t: &'static Messages,
    locale: Locale,
    d: &ShipmentDocument,
    m: &ShipmentMilestone,
    local: bool,
) -> impl IntoView + use<> {
    let mut label = word(t, "shipment_code_", &m.code, &m.label);
    if let Some(temperature) = &m.temperature {
        label = format!("{label}: {temperature}");
    }
    if let Some(setpoint) = &m.setpoint {
        label = format!(
            "{label} ({})",
            fill(t.shipment_setpoint, &[("value", setpoint)])
        );
    }
    let place = m
        .port
        .and_then(|p| d.port_calls.get(p))
        .map(port_name)
        .or_else(|| m.location_name.clone());
    let what = match place {
        Some(p) => fill(t.shipment_event_at, &[("event", &label), ("place", &p)]),
        None => label,
    };
    let cls = m.classifier.clone();
    let source = fill(
        t.shipment_event_source,
        &[
            ("source", &m.source),
            ("time", &when(locale, &m.updated_time, local)),
        ],
    );
    let class = if m.superseded {
        "milestone superseded"
    } else {
        "milestone"
    };
    view! {
        <li class=class data-code=m.code.clone() data-classifier=cls.clone() data-testid="milestone">
            <abbr class=format!("badge cls-{}", cls.to_ascii_lowercase()) title=classifier_title(t, &cls)>{cls.clone()}</abbr>
            " "
            <strong>{what}</strong>
            " "
            <time datetime=m.time.clone()>{when(locale, &m.time, local)}</time>
            {m.equipment.clone().map(|e| view! { " · " <span class="mono">{e}</span> })}
            {m.remark.clone().map(|r| view! { <br /><span class="small">{r}</span> })}
            <br />
            <span class="muted small">{source}</span>
        </li>
    }
}

#[cfg(feature = "hydrate")]
mod map {
    //! Leaflet, in the browser only.

    use leaflet::{
        CircleMarker, CircleOptions, FeatureGroup, LatLng, Map, MapOptions, PathOptions, Polyline,
        PolylineOptions, TileLayer, TileLayerOptions,
    };
    use leptos::html::Div;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;

    use domain::trade::views::ShipmentDocument;

    use super::{LAND_LAYER, port_name, when};
    use crate::i18n::Locale;

    #[wasm_bindgen]
    extern "C" {
        /// `L.geoJSON(data, options)` (the crate's own constructor is not public).
        #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
        fn geo_json(data: &JsValue, options: &JsValue) -> leaflet::GeoJson;
    }

    struct Drawn {
        map: Map,
        group: FeatureGroup,
        fitted: bool,
    }

    pub(super) fn start(
        el: NodeRef<Div>,
        doc: RwSignal<Option<ShipmentDocument>>,
        live: RwSignal<bool>,
        reference: String,
        tiles: Option<String>,
        locale: Locale,
    ) {
        let drawn: StoredValue<Option<Drawn>, LocalStorage> = StoredValue::new_local(None);
        Effect::new(move |_| {
            let Some(div) = el.get() else { return };
            if drawn.with_value(Option::is_none) {
                if !js_sys::Reflect::has(&js_sys::global(), &"L".into()).unwrap_or(false) {
                    return;
                }
                let options = MapOptions::new();
                options.set_scroll_wheel_zoom(false);
                options.set_world_copy_jump(true);
                let Ok(map) = Map::new_with_element(&div, &options) else {
                    return;
                };
                map.set_view(&LatLng::new(12.0, 112.0), 3.0);
                match &tiles {
                    Some(url) => {
                        let o = TileLayerOptions::new();
                        o.set_attribution("© OpenStreetMap contributors".to_owned());
                        TileLayer::new_options(url, &o).add_to(&map);
                    }
                    None => land_layer(map.clone()),
                }
                let group = FeatureGroup::new();
                group.add_to(&map);
                drawn.set_value(Some(Drawn {
                    map,
                    group,
                    fitted: false,
                }));
                live.set(true);
                follow(&reference, doc);
            }
            doc.with(|d| {
                drawn.update_value(|s| {
                    if let (Some(d), Some(s)) = (d, s.as_mut()) {
                        draw(s, d, locale);
                    }
                });
            });
        });
    }

    /// Listens to the shipment's stream; a newer document replaces the one shown.
    fn follow(reference: &str, doc: RwSignal<Option<ShipmentDocument>>) {
        let url = format!(
            "/api/v1/shipments/{}/stream",
            String::from(js_sys::encode_uri_component(reference))
        );
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let on =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let Some(text) = e.data().as_string() else {
                    return;
                };
                let Ok(next) = serde_json::from_str::<ShipmentDocument>(&text) else {
                    return;
                };
                let newer = doc.with_untracked(|d| {
                    d.as_ref().is_none_or(|d| d.seq < next.seq || next.seq == 0)
                });
                if newer {
                    doc.set(Some(next));
                }
            });
        let _ = source.add_event_listener_with_callback("shipment", on.as_ref().unchecked_ref());
        // Both live as long as the page.
        on.forget();
        std::mem::forget(source);
    }

    fn land_layer(map: Map) {
        leptos::task::spawn_local(async move {
            let Some(window) = web_sys::window() else {
                return;
            };
            let Ok(res) =
                wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(LAND_LAYER)).await
            else {
                return;
            };
            let Ok(res) = res.dyn_into::<web_sys::Response>() else {
                return;
            };
            let Ok(json) = res.json() else { return };
            let Ok(data) = wasm_bindgen_futures::JsFuture::from(json).await else {
                return;
            };
            let style = PathOptions::new();
            style.set_fill_color("#e4e9dc".to_owned());
            style.set_fill_opacity(1.0);
            style.set_color("#b7c2ab".to_owned());
            style.set_weight(0.6);
            style.set_interactive(false);
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"style".into(), &style);
            let _ = js_sys::Reflect::set(&options, &"interactive".into(), &false.into());
            let land = geo_json(&data, &options);
            land.add_to(&map);
            // Under the route, which may have been drawn while the land was loading.
            if let Ok(f) = js_sys::Reflect::get(&land, &"bringToBack".into())
                .and_then(|f| f.dyn_into::<js_sys::Function>())
            {
                let _ = f.call0(&land);
            }
        });
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    fn draw(s: &mut Drawn, d: &ShipmentDocument, locale: Locale) {
        let t = locale.messages();
        s.group.clear_layers();
        for (_, _, actual, points) in d.legs() {
            let line: js_sys::Array = points
                .iter()
                .map(|p| JsValue::from(LatLng::new(p[0], p[1])))
                .collect();
            let o = PolylineOptions::new();
            o.set_color(if actual { "#0b5cad" } else { "#4f7cac" }.to_owned());
            o.set_weight(3.0);
            o.set_opacity(if actual { 0.95 } else { 0.8 });
            o.set_class_name(if actual { "leg-actual" } else { "leg-planned" }.to_owned());
            if !actual {
                o.set_dash_array("6 8".to_owned());
            }
            Polyline::new_with_options(&line, &o).add_to_layer_group(&s.group);
        }
        for p in &d.port_calls {
            let (Some(lat), Some(lon)) = (p.lat, p.lon) else {
                continue;
            };
            let o = CircleOptions::new();
            o.set_radius(6.0);
            o.set_color("#1d3557".to_owned());
            o.set_fill_color("#ffffff".to_owned());
            o.set_fill_opacity(1.0);
            o.set_weight(2.0);
            o.set_class_name("port-marker".to_owned());
            let marker = CircleMarker::new_with_options(&LatLng::new(lat, lon), &o);
            let mut lines = vec![format!("<strong>{}</strong>", escape(&port_name(p)))];
            for (label, times) in [
                (t.shipment_arrival, &p.arrival),
                (t.shipment_departure, &p.departure),
            ] {
                if let Some((time, cls)) = times.best() {
                    lines.push(format!(
                        "{label}: {cls} {}",
                        escape(&when(locale, time, true))
                    ));
                }
            }
            marker.bind_popup_with_options(
                &JsValue::from_str(&lines.join("<br>")),
                &JsValue::UNDEFINED,
            );
            marker.add_to_layer_group(&s.group);
        }
        if let Some(pos) = &d.position {
            let o = CircleOptions::new();
            o.set_radius(8.0);
            o.set_color("#e76f51".to_owned());
            o.set_fill_color("#e76f51".to_owned());
            o.set_fill_opacity(0.9);
            o.set_class_name("shipment-position".to_owned());
            let marker = CircleMarker::new_with_options(&LatLng::new(pos.lat, pos.lon), &o);
            marker.bind_popup_with_options(
                &JsValue::from_str(&escape(t.shipment_position)),
                &JsValue::UNDEFINED,
            );
            marker.add_to_layer_group(&s.group);
        }
        if !s.fitted && !d.port_calls.is_empty() {
            let bounds = s.group.get_bounds();
            let padding = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &padding,
                &"padding".into(),
                &js_sys::Array::of2(&24.into(), &24.into()),
            );
            s.map.fit_bounds_with_options(&bounds, &padding);
            s.fitted = true;
        }
    }
}
