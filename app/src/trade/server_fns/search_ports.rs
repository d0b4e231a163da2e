//! `search_ports`: the destination-port picker's suggestions (UN/LOCODE, name or country).

use leptos::prelude::*;

use domain::trade::views::PortOption;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "search_ports", input = leptos::server_fn::codec::GetUrl)]
pub async fn search_ports(q: String) -> Result<Vec<PortOption>, AppError> {
    // Suggestions per keystroke.
    const PORT_SUGGESTIONS: usize = 12;
    let q: String = q.chars().take(60).collect();
    Ok(domain::trade::queries::search_ports(&q, PORT_SUGGESTIONS))
}
