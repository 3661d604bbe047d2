"""The python-websockets peer of Parley's benchmark: /parley/echo and /parley/chat on Parley's wire
protocol, written as the tutorial writes its servers (Debian's python3-websockets 10.4).
usage: /usr/bin/python3 server.py <port>
"""
import asyncio
import json
import sys

import websockets

USERS = {}  # uuid -> websocket, in order of registration


async def echo(websocket):
    async for message in websocket:
        await websocket.send(f"Echo: {message}")


async def to_all(message):
    if USERS:
        await asyncio.wait([asyncio.create_task(user.send(message)) for user in list(USERS.values())])


async def chat(websocket):
    uuid = None
    await websocket.send(json.dumps({"type": "handshake"}))
    try:
        async for message in websocket:
            data = json.loads(message)
            if data["type"] == "register" and uuid is None and data["uuid"] not in USERS:
                uuid = data["uuid"]
                USERS[uuid] = websocket
                await to_all(json.dumps({"type": "login", "uuid": uuid, "content": data["content"],
                                         "user_list": list(USERS)}))
            elif data["type"] == "send" and uuid is not None:
                if "to" not in data:
                    await to_all(json.dumps({"type": "user", "content": data["content"], "from": uuid}))
                elif data["to"] in USERS:
                    reply = json.dumps({"type": "user", "content": data["content"], "from": uuid, "to": data["to"]})
                    await USERS[data["to"]].send(reply)
                    if data["to"] != uuid:
                        await websocket.send(reply)
    finally:
        if uuid is not None and USERS.get(uuid) is websocket:
            del USERS[uuid]
            await to_all(json.dumps({"type": "logout", "uuid": uuid, "content": "", "user_list": list(USERS)}))


async def route(websocket, path):
    if path == "/parley/echo":
        await echo(websocket)
    elif path == "/parley/chat":
        await chat(websocket)


async def main(port):
    async with websockets.serve(route, "127.0.0.1", port):
        print(f"python websockets peer listening on {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8765))
