"""Streamlit page scripts, registered by `app.py` with `st.navigation`; they are run as scripts, not imported."""
