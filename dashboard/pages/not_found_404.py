"""The page for an address the dashboard does not have."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard.components import refusal_card
from dashboard.context import Refusal

dash.register_page(__name__, path="/404", title="reptrack · not found")


def layout(**_: Any) -> html.Div:
    return refusal_card(Refusal(404, "No such page", "The dashboard has no page at this address. The overview lists everyone; "
                                                     "each person's page lists their sessions."))
