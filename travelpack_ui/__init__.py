"""TravelPack's services and shared pieces: settings, database, auth, mail, rooms, API, components."""
