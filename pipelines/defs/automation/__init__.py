"""Schedules, sensors and monitoring."""
