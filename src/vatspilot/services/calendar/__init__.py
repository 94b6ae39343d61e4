"""Dates the law counts in: today in China, and the working-day calendars."""
