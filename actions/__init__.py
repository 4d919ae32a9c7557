"""Rasa custom actions: thin adapters from chat events to casework and translations.

The action server (`passage serve actions`) registers every action found in this package.
"""
