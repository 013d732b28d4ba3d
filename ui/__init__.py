"""The Streamlit app's shared frame: session state, cached calls into the pipeline, small rendering helpers."""
