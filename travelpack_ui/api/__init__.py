"""The JSON API and the WebSocket: dependencies, the error edge, one router per resource."""
