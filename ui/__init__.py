"""newsrag's front ends: the ``newsrag`` command (``cli.py``) and the Streamlit chat (``app.py``)."""
