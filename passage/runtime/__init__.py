"""The composition root: builds the domains' policies from settings, runs migrations, and
starts and supervises the processes (Rasa, actions, API, worker, phone sandbox)."""
