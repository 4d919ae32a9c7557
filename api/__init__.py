"""FastAPI adapters: health, the web chat page and its proxy to Rasa."""
