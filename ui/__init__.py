"""The Streamlit UI of clausewise: pages under `ui/pages`, helpers here (no Streamlit import outside the page and
render modules, so the helpers stay unit-testable)."""
