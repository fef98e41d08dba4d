"""The head (request line and headers, in order) of each request the real VXP SDK 2.0.1 put
on the wire, as recorded (the repository keeps the recordings in tests/data/sdk-wire/; a test
keeps these copies equal to them). The kit replays their structure with its own values
(docs/domain.md §6): same operation, same headers in the same order and spelling, fresh
timestamp and HMAC for the target's credentials."""

from __future__ import annotations

RECORDED: dict[str, str] = {
    "01-getAgenciesList": (
        "POST /getAgenciesList HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-timestamp: 02122026T125714+0508\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-sign-header-key: systemid;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-timestamp":"02122026T125714+0508","XroadVnpt-Content-Type":"application/json"}\r\n'
        "XroadVnpt-hash-header: 10f80a7b20c0b72cffb4b6e27de4c648123ccc27a44f428ab24f5ffc432b77fe\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 0\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
    "02-sendEdoc": (
        "POST /sendEdoc HTTP/1.1\r\n"
        "Content-Type: application/octet-stream\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-servicetype: eDoc\r\n"
        "XroadVnpt-messagetype: edoc\r\n"
        "XroadVnpt-hash-file: 43e6d951677c48b875970a024a14ef981945a94d96a6c595f3760b6422453\r\n"
        "XroadVnpt-from: 000.00.00.H47\r\n"
        "XroadVnpt-timestamp: 02122026T125714+0978\r\n"
        "XroadVnpt-Content-Type: application/octet-stream\r\n"
        "XroadVnpt-sign-header-key: systemid;servicetype;messagetype;hash-file;from;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-hash-file":"43e6d951677c48b875970a024a14ef981945a94d96a6c595f3760b6422453","XroadVnpt-from":"000.00.00.H47","XroadVnpt-timestamp":"02122026T125714+0978","XroadVnpt-Content-Type":"application/octet-stream"}\r\n'
        "XroadVnpt-hash-header: 7666c93464f26f8d76be33d5db06fae44e676fc7fb3888f050b6d985a2b8a55f\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Cache-Control: no-cache\r\n"
        "Pragma: no-cache\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Accept: text/html, image/gif, image/jpeg, */*; q=0.2\r\n"
        "Connection: keep-alive\r\n"
        "Content-Length: 367842\r\n"
    ),
    "03-sendEdoc": (
        "POST /sendEdoc HTTP/1.1\r\n"
        "Content-Type: application/octet-stream\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-servicetype: eDoc\r\n"
        "XroadVnpt-messagetype: status\r\n"
        "XroadVnpt-hash-file: fd80d3e327e8ab2541b2bdce32e09386b4affc179b5f263dc5b345c8585db798\r\n"
        "XroadVnpt-from: 000.00.00.H47\r\n"
        "XroadVnpt-timestamp: 02122026T125715+0313\r\n"
        "XroadVnpt-Content-Type: application/octet-stream\r\n"
        "XroadVnpt-sign-header-key: systemid;servicetype;messagetype;hash-file;from;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"status","XroadVnpt-hash-file":"fd80d3e327e8ab2541b2bdce32e09386b4affc179b5f263dc5b345c8585db798","XroadVnpt-from":"000.00.00.H47","XroadVnpt-timestamp":"02122026T125715+0313","XroadVnpt-Content-Type":"application/octet-stream"}\r\n'
        "XroadVnpt-hash-header: 54093033c8506176bd7055fce04dd15dbd457b5dea02f8722bfadf6bc98b494b\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Cache-Control: no-cache\r\n"
        "Pragma: no-cache\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Accept: text/html, image/gif, image/jpeg, */*; q=0.2\r\n"
        "Connection: keep-alive\r\n"
        "Content-Length: 1722\r\n"
    ),
    "04-getReceivedEdocList": (
        "POST /getReceivedEdocList HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-servicetype: eDoc\r\n"
        "XroadVnpt-messagetype: edoc\r\n"
        "XroadVnpt-timestamp: 02122026T125715+0557\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-sign-header-key: systemid;servicetype;messagetype;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-timestamp":"02122026T125715+0557","XroadVnpt-Content-Type":"application/json"}\r\n'
        "XroadVnpt-hash-header: 40cbe16beef2a98e698382c1732c3a5551b4c825b4fed355a382ca4aae9959d4\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 0\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
    "05-getReceivedEdocList": (
        "POST /getReceivedEdocList HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-servicetype: eDoc\r\n"
        "XroadVnpt-messagetype: status\r\n"
        "XroadVnpt-timestamp: 02122026T125715+0953\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-sign-header-key: systemid;servicetype;messagetype;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"status","XroadVnpt-timestamp":"02122026T125715+0953","XroadVnpt-Content-Type":"application/json"}\r\n'
        "XroadVnpt-hash-header: 53b3900082d889dd39120d5b7a85733d71cd3b815dd12d95e5628625df80b478\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 0\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
    "06-getEdoc": (
        "POST /getEdoc HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-docId: 5f0c0ffee0000000000000a1\r\n"
        "XroadVnpt-filePath: /srv/dms/edoc\r\n"
        "XroadVnpt-timestamp: 02122026T125716+0330\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-sign-header-key: systemid;docId;filePath;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-docId":"5f0c0ffee0000000000000a1","XroadVnpt-filePath":"/srv/dms/edoc","XroadVnpt-timestamp":"02122026T125716+0330","XroadVnpt-Content-Type":"application/json"}\r\n'
        "XroadVnpt-hash-header: 4e0122933bbbfd17ffbdc0e087cc47404bcbff452f70aca7de5505e789fa3d66\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 2\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Expect: 100-continue\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
    "07-updateStatus": (
        "POST /updateStatus HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-docid: 5f0c0ffee0000000000000a1\r\n"
        "XroadVnpt-timestamp: 02122026T125716+0866\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-status: done\r\n"
        "XroadVnpt-sign-header-key: systemid;docid;timestamp;Content-Type;status\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-docid":"5f0c0ffee0000000000000a1","XroadVnpt-timestamp":"02122026T125716+0866","XroadVnpt-Content-Type":"application/json","XroadVnpt-status":"done"}\r\n'
        "XroadVnpt-hash-header: a03edb2722710aeba8640e92ebf121e2626d2fca1db8f2438aa6dc162349417d\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 2\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Expect: 100-continue\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
    "08-getSentEdocList": (
        "POST /getSentEdocList HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-timestamp: 02122026T125717+0290\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-sign-header-key: systemid;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-timestamp":"02122026T125717+0290","XroadVnpt-Content-Type":"application/json"}\r\n'
        "XroadVnpt-hash-header: 5dd5b2d6bc522f3241095872f35384a7562d8d4e81b8c3366c4997a9f797a0d2\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 0\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
    "09-countReceiveEdoc": (
        "POST /countReceiveEdoc HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-servicetype: eDoc\r\n"
        "XroadVnpt-messagetype: edoc\r\n"
        "XroadVnpt-timestamp: 02122026T125717+0759\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-sign-header-key: systemid;servicetype;messagetype;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-timestamp":"02122026T125717+0759","XroadVnpt-Content-Type":"application/json"}\r\n'
        "XroadVnpt-hash-header: 4b6859ecf453a859d4dfdea1e71142921ce9adac9a256606656bec47feaa033b\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 2\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Expect: 100-continue\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
    "10-registerAgency": (
        "POST /registerAgency HTTP/1.1\r\n"
        "XroadVnpt-systemid: 00.47.W00\r\n"
        "XroadVnpt-timestamp: 02122026T125718+0250\r\n"
        "Content-Type: application/json\r\n"
        "XroadVnpt-Content-Type: application/json\r\n"
        "XroadVnpt-sign-header-key: systemid;timestamp;Content-Type\r\n"
        'XroadVnpt-sign-header: {"XroadVnpt-systemid":"00.47.W00","XroadVnpt-timestamp":"02122026T125718+0250","XroadVnpt-Content-Type":"application/json"}\r\n'
        "XroadVnpt-hash-header: e1bf5f90d3e375cc79c92f32c32d5295cd45b5579acc0e2e5830068c36ca082b\r\n"
        "User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP\r\n"
        "XroadVnpt-version: 3.0.201608\r\n"
        "Content-Length: 105\r\n"
        "Host: 127.0.0.1:18304\r\n"
        "Connection: Keep-Alive\r\n"
        "Expect: 100-continue\r\n"
        "Accept-Encoding: gzip,deflate\r\n"
    ),
}
