"""Admin registrations for questions arrive with the admin issue."""
