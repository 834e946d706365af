"""The ASGI server's /ws/: a signed-in user's pages join the user's group and receive its live updates."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.realtime import user_group


class LiveUpdatesConsumer(AsyncJsonWebsocketConsumer):
    """Authenticated by the session cookie (AuthMiddlewareStack); anyone else is refused before the handshake ends."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def realtime_event(self, message):
        await self.send_json(message["event"])
