/* The control plane's types, generated from openapi/control.yaml and the systems' control contracts by
 * openapi-typescript (npm run schema). Do not edit. */
export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and readiness; answers once the world is loaded, and 503 while the store's database cannot be reached. Says which store and which replica answered. */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Back to the default world (optionally with another seed). Clears the journal and rate windows; leaves the clock alone. */
        post: operations["reset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The virtual clock. */
        get: operations["getClock"];
        put?: never;
        /**
         * Set (`set`), advance (`advanceMs`), freeze or unfreeze (`freeze`) virtual time; applied in that order.
         * @description Every time-driven status (orders READY, reports processed, tokens expired) moves with it.
         */
        post: operations["setClock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/journal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What clients sent and got, oldest first (the last `limit`, default 100; the journal keeps 1000). */
        get: operations["getJournal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/scenarios": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The scenario files under scenarios/ (and any that do not validate, with why), and the active one. */
        get: operations["listScenarios"];
        put?: never;
        /**
         * Activate a scenario by name (a file under scenarios/) or inline; POST /__sim/reset returns to the baseline.
         * @description Activation starts from a fresh world with the scenario's seed, world, clock, timings, limits, profile and faults. Its steps are not run (the CLI runs them).
         */
        post: operations["activateScenario"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/worlds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The worlds besides the default one (each a complete, isolated simulator at /w/{world}/...). */
        get: operations["listWorlds"];
        put?: never;
        /**
         * A new world — its own state and ids, clock, scenario, faults, rate windows, tokens, journal — served under /w/{id}/ for every system and its own control plane.
         * @description Acknowledged when durable (with the file store the world survives a restart). A world with ttlMs is deleted after that much real time without a request. SIM_MAX_WORLDS bounds how many there are.
         */
        post: operations["createWorld"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/worlds/{world}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example qa */
                world: string;
            };
            cookie?: never;
        };
        /** One world. */
        get: operations["getWorld"];
        put?: never;
        post?: never;
        /** Deletes a world and all its data (gone from disk when this answers). */
        delete: operations["deleteWorld"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/scenarios/schema": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The JSON Schema of scenario files (scenarios/schema.json). */
        get: operations["getScenarioSchema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/state/{system}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A read-only summary of one system's world (organizations, users, counts by status). No side effects. */
        get: operations["getSystemState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/journal/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The journal live, as server-sent events (the dashboard's tail).
         * @description First the newest `limit` entries (default 50) that pass the filter, then every new one as it is recorded, each
         *     as `event: exchange` with the entry (as GET /journal shows it, secrets hidden) in `data` and its id in `id`.
         *     The stream stays open until the client closes it; a comment every 15 s keeps it alive through proxies.
         */
        get: operations["streamJournal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conformance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The client report card — how each client of this world behaved, graded per rule since the grading period began.
         * @description Every exchange with an emulated system is attributed to a client: its credential's user and organization (a
         *     login, an API key, a token's subject; SetMark's shop and INN), refined by an `X-Sim-Client` header, else the
         *     `User-Agent`, when several programs share one credential. Each rule (`rules`: core's generic ones and each
         *     system's own) says per client `passed`, `failed` (with the count and up to ten pieces of evidence: the journal
         *     entries, their virtual times, the interval found against the one required) or `not exercised`. An obligation
         *     still open (an order never closed, a download never confirmed) fails in the report that finds it open.
         *     `format=junit` gives JUnit XML: a test suite per client, a test case per rule, a failure per failed rule, so a
         *     CI job fails on a violation. A reset of the world, or POST /conformance/reset, starts a new grading period.
         *     Each replica of a shared store grades the exchanges it served.
         */
        get: operations["getConformance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conformance/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Starts a new grading period (forgets every client's grades; the journal stays). */
        post: operations["resetConformance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Each system's base path and the credentials of its default world (as the README publishes them). */
        get: operations["getCredentials"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/state/{system}/views": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tables of a system's world the dashboard shows (orders, documents, packages...), and whether it looks codes up. */
        get: operations["listViews"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/state/{system}/views/{view}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One page of a view's rows, newest first, filtered on the server (a text any cell contains, a status). */
        get: operations["listViewRows"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/state/{system}/views/{view}/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One entity in full, with the tables of what belongs to it (an order's sub-orders and packs, a document's errors). */
        get: operations["getViewRow"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/state/{system}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What happened to one code, oldest first (a code with or without GS and crypto tail, as clients send it). */
        get: operations["getTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A contract as JSON or YAML (<system>.json, <system>.yaml, control.json, control.yaml). Browsable at /__sim/docs. */
        get: operations["getContract"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mcoi/receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A cash register's receipt for an MCOI seller (a sale or a refund)
         * @description Stored as the seller's SALES_RECEIPT or REFUND_RECEIPT document and processed as a whole after documentProcessingMs; a sale makes its codes WITHDRAWN, a refund APPLIED again. Clients read it at GET /api/rcp/receipts.
         */
        post: operations["postMcoiReceipt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mcoi/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new API key for an MCOI user
         * @description The user's key until now is retired (each user holds one valid API key, account setup). The new key lives apiKeyLifetimeMs of virtual time.
         */
        post: operations["mintMcoiApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mcoi/api-keys/revocations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke an MCOI API key
         * @description The key answers 401 from now on (context._cause inactive-token), a refresh with it too. The key travels in the body, where the journal hides it (a path would show it).
         */
        post: operations["revokeMcoiApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/state/mcoi/codes/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Everything about one MCOI marking code (URL-encode it; with or without GS and crypto tail).
         * @description Status (EMITTED, RECEIVED, APPLIED, CANCELLED), owner, order, print quality, parent package and history.
         */
        get: operations["getMcoiCodeState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/id-issuer/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mint a bearer token for an ID-issuer user (the document does not say how tokens are obtained). */
        post: operations["mintIdIssuerToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/id-issuer/tokens/{token}/expire": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make a token expire now (virtual time). */
        post: operations["expireIdIssuerToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/id-issuer/tokens/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token. */
        delete: operations["revokeIdIssuerToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/state/true-api/codes/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One code of the True API registry, in any form (brackets, crypto tail; URL-encoded), with what the API does not show. */
        get: operations["getTrueApiCodeState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/true-api/receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A receipt from a fiscal data operator (§5.10) — a sale or a return of codes by a participant.
         * @description Receipts reach True API from fiscal data operators, not from its API: this route plays one. The receipt is a
         *     RECEIPT (sale) or RECEIPT_RETURN (return) document of the participant, processed like a notice
         *     (documentProcessingMs): a sale takes the seller's INTRODUCED or INTRODUCED_RETURNED codes to WITHDRAWN, a
         *     return takes WITHDRAWN codes to INTRODUCED_RETURNED; codes that do not fit make it CHECKED_NOT_OK with the
         *     errors, and nothing changes. Read it with GET /true-api/receipt/{receiptId}/info and /receipt/listV2.
         */
        post: operations["createTrueApiReceipt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/true-api/shipments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * An incoming EAEU shipment (§5.9) — a foreign exporter's operator passes it on to a KZ importer.
         * @description Shipments from the EAEU reach True API from the other states' operators, not from its API: this route plays
         *     one. The shipment (EAS_CROSSBORDER) waits for the importer's acceptance (WAIT_ACCEPTANCE); the importer finds
         *     it with POST /true-api/documents/searchV2, reads it with GET /documents/import/shipment/{id} and answers with
         *     POST /documents/import/acceptancies. Its codes must be in the registry: foreign codes live in batches of
         *     APPLIED codes owned by the importer (the default world's batch 19); accepted codes become INTRODUCED, owned by
         *     the importer, FOREIGN.
         */
        post: operations["createTrueApiShipment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/true-api/certificates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A test certificate and key for a participant, signed by the simulator's test CA (what strict signatures verify against).
         * @description Sign the data of GET /true-api/auth/key with it (attached CMS) and send it to POST /true-api/auth/simpleSignIn.
         *     The subject is shaped like a Kazakh NCA certificate: OU=BIN<bin>, serialNumber=IIN<signer's IIN>. Keys are
         *     ECDSA P-256. The private key (PEM, and a PKCS#12 file with its password) is in the answer only; the journal
         *     hides them.
         */
        post: operations["issueTrueApiCertificate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/setmark/erp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The ERP the journal and the MRC export go to, what waits, and the last 100 delivery attempts. */
        get: operations["getSetmarkErp"];
        /**
         * Set the ERP's URLs (http(s), or sim:erp for the built-in recorder), the MRC cron and package size, the recorder's answers.
         * @description A URL whose host SIM_OUTBOUND_HOSTS does not allow (by default loopback and the SIM_ALLOWED_HOSTS names) is refused with 403 before anything changes; nothing is ever sent there.
         */
        put: operations["putSetmarkErp"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/setmark/push/{kind}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Push now what the timer or the cron would push (journal rows not yet sent; the MRC export), and send the queue of that kind, retries included. */
        post: operations["pushSetmark"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/setmark/receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A cash register's receipt (the POS is not part of the API) - pre-check (200–206, since 1.4), then registration (100–110), sold and returned states. */
        post: operations["playReceipt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/setmark/marks/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A mark as SetMark holds it - shop, INN, state, on stock now, its order, block and packs, its sale. */
        get: operations["getSetmarkMark"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description HAR 1.2 (format=har): http://www.softwareishard.com/blog/har-12-spec/ — validated in the tests with har-validator. */
        Har: {
            log: {
                /** @constant */
                version: "1.2";
                creator: {
                    name: string;
                    version: string;
                };
                entries: {
                    /** Format: date-time */
                    startedDateTime: string;
                    time: number;
                    request: Record<string, never>;
                    response: Record<string, never>;
                    cache: Record<string, never>;
                    timings: Record<string, never>;
                    comment?: string;
                }[];
            };
        };
        ProblemDetails: {
            type: string;
            title: string;
            status: number;
            detail: string;
            errors?: {
                in: string;
                path: string;
                message: string;
            }[];
        };
        Cells: {
            [key: string]: string | number | boolean | null;
        };
        Columns: {
            key: string;
            title: string;
        }[];
        ViewRow: {
            id: string;
            cells: components["schemas"]["Cells"];
            status?: string;
        };
        World: {
            id: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastUsedAt: string;
            ttlMs: number | null;
            scenario: string | null;
            seed: number;
            clock: components["schemas"]["Clock"];
        };
        Clock: {
            /** Format: date-time */
            now: string;
            nowMs: number;
            frozen: boolean;
            offsetMs: number;
        };
        IdIssuerToken: {
            token: string;
            user: string;
            /** Format: date-time */
            expiresAt: string | null;
            revoked: boolean;
        };
        SetmarkAttempt: {
            /** Format: date-time */
            at: string;
            /** @enum {unknown} */
            kind: "journal" | "mrc";
            id: number;
            url: string;
            attempt: number;
            /** @description What the ERP answered; 0: no answer (refused, timed out). */
            status: number;
            error?: string;
            delivered: boolean;
            packageNumber?: number;
            packageCount?: number;
        };
        SetmarkErp: {
            journalUrl: string | null;
            mrcUrl: string | null;
            mrcCron: string;
            mrcPackageSize: number;
            /** Format: date-time */
            nextJournalAt: string | null;
            /** Format: date-time */
            nextMrcAt: string | null;
            /** @description Journal rows not yet in a push. */
            pendingViolations: number;
            queue: {
                /** @enum {unknown} */
                kind: "journal" | "mrc";
                id: number;
                attempts: number;
                /** Format: date-time */
                nextAt: string;
                rows?: number;
                shop?: number;
                packageNumber?: number;
                packageCount?: number;
            }[];
            deliveries: components["schemas"]["SetmarkAttempt"][];
            sink: {
                statuses: number[];
                attempts: number;
                received: {
                    /** Format: date-time */
                    at: string;
                    /** @enum {unknown} */
                    kind: "journal" | "mrc";
                    body: Record<string, never>;
                }[];
            };
        };
    };
    responses: {
        /** @description The simulator was started with SIM_CONTROL_TOKEN and the request does not carry it (Authorization Bearer). */
        Unauthorized: {
            headers: {
                "WWW-Authenticate": "Bearer realm=\"marking-sim control plane\"";
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ProblemDetails"];
            };
        };
        /** @description A Host the simulator does not answer to (SIM_ALLOWED_HOSTS), or a change sent from a page of another origin (Origin header). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ProblemDetails"];
            };
        };
        /** @description RFC 7807 problem details */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ProblemDetails"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                        systems: {
                            id: string;
                            title: string;
                            base: string;
                        }[];
                        seed: number;
                        clock: components["schemas"]["Clock"];
                        /** Format: date-time */
                        startedAt: string;
                        store?: {
                            /** @enum {string} */
                            kind: "memory" | "file" | "postgres";
                            reachable: boolean;
                        };
                        /** @description The host name and process id that answered. */
                        replica?: string;
                    };
                };
            };
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    reset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    seed?: number;
                };
            };
        };
        responses: {
            /** @description Reset */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "reset";
                        seed: number;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getClock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Clock */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Clock"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    setClock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description At most 100 years at a time; virtual time stays within 1970 .. 9999. */
                    advanceMs?: number;
                    /** Format: date-time */
                    set?: string;
                    freeze?: boolean;
                };
            };
        };
        responses: {
            /** @description Clock after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Clock"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getJournal: {
        parameters: {
            query?: {
                system?: "mcoi" | "id-issuer" | "true-api" | "setmark" | "control";
                method?: string;
                status?: number;
                operationId?: string;
                limit?: number;
                /** @description `scenario`: the exchanges (control plane excluded) as a scenario journey in YAML, to replay as a regression test. `har`: the exchanges as HAR 1.2 (a browser's network panel opens it; `har-to-k6` makes a k6 script of it), URLs on the host this export was asked on, secrets hidden as in the listing; the last `limit` (default 1000). */
                format?: "json" | "scenario" | "har";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Exchanges */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": string;
                    "application/json": {
                        entries: {
                            id: number;
                            /** Format: date-time */
                            at: string;
                            system: string;
                            operationId?: string;
                            method: string;
                            path: string;
                            query: Record<string, never>;
                            authorization?: string;
                            requestBody?: unknown;
                            /**
                             * @description Present on a request the simulator sent itself (SetMark's pushes to the ERP): `path` is the URL it was sent to and `status` what the receiver answered (0: no answer).
                             * @enum {string}
                             */
                            direction?: "outbound";
                            /** @description The status sent (for a dropped exchange: the one that would have been). */
                            status: number;
                            /**
                             * @description answered in full, cut by a truncate fault, or dropped (a drop fault, or the client went away).
                             * @enum {string}
                             */
                            outcome: "answered" | "truncated" | "dropped";
                            /** @description The scenario fault that shaped the answer. */
                            fault?: {
                                /** @description Index of the rule in the scenario's faults, from 0. */
                                rule: number;
                                action: string;
                                description?: string;
                            };
                            /** @description Who called, as the system names its callers. */
                            principal?: string;
                            contentType?: string;
                            responseBody?: unknown;
                            durationMs: number;
                            /** @description What the exchange changed in the world, in the emulated document's own terms (the domain events of its mutations, in order); absent when it changed nothing. An event naming `entity`, `from` and `to` is a status change, checked against the system's transition table. */
                            events?: ({
                                /** @description What happened (OrderRegistered, CodesReceived, PackageLoaded, PushDelivered, ...). */
                                type: string;
                                system: string;
                                entity?: string;
                                from?: string;
                                to?: string;
                                why?: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                        }[];
                    } | components["schemas"]["Har"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    listScenarios: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Scenarios */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        active: string | null;
                        scenarios: {
                            name: string;
                            description: string;
                            file: string;
                        }[];
                        invalid: {
                            file: string;
                            problems: string[];
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    activateScenario: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A shipped scenario by its name (mcoi-rate-limit), or by its file below scenarios/ without the extension (mcoi/rate-limit). */
                    name?: string;
                    /** @description A scenario as JSON (see /__sim/scenarios/schema). */
                    scenario?: Record<string, never>;
                };
            };
        };
        responses: {
            /** @description Active */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "active";
                        name: string;
                        faults: number;
                        steps: number;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    listWorlds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Worlds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        worlds: components["schemas"]["World"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    createWorld: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Letters, digits, - and _, at most 64 (default: a fresh UUID). */
                    id?: string;
                    seed?: number;
                    /** @description A shipped scenario's name, or a scenario as JSON (see /__sim/scenarios/schema), active from the start. */
                    scenario?: string | Record<string, never>;
                    /** @description Real milliseconds without a request after which the world is deleted. */
                    ttlMs?: number;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["World"] & {
                        /** @description http://HOST/w/{id}: put a system base after it. */
                        baseUrl: string;
                        control: string;
                        systems: {
                            [key: string]: string;
                        };
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            409: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            429: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getWorld: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example qa */
                world: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The world */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["World"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    deleteWorld: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example qa */
                world: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getScenarioSchema: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JSON Schema 2020-12 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getSystemState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example mcoi */
                system: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Summary */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    streamJournal: {
        parameters: {
            query?: {
                system?: "mcoi" | "id-issuer" | "true-api" | "setmark" | "control";
                method?: string;
                status?: number;
                operationId?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getConformance: {
        parameters: {
            query?: {
                /** @description Only the clients whose name contains this text (any case). */
                client?: string;
                format?: "json" | "junit";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": string;
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description Virtual time the grading period began.
                         */
                        since: string;
                        /**
                         * Format: date-time
                         * @description Virtual time of this report.
                         */
                        at: string;
                        /** @description Rules failed, over all clients (0: a clean run). */
                        failed: number;
                        rules: {
                            id: string;
                            statement: string;
                            source: string;
                            /** @enum {string} */
                            severity: "error" | "warning";
                            /** @description The system whose exchanges it grades (absent: every system). */
                            system?: string;
                        }[];
                        clients: {
                            /** @description The system, the user (else the organization) and the program (X-Sim-Client, else User-Agent): "mcoi: 6e8login23 · erp-sync/2.1". */
                            client: string;
                            system: string;
                            /** @description The organization of the client's credential, when the system names one. */
                            organization?: string;
                            rules: {
                                rule: string;
                                /** @enum {string} */
                                severity: "error" | "warning";
                                /** @enum {string} */
                                result: "passed" | "failed" | "not exercised";
                                exercised: number;
                                failed: number;
                                evidence: {
                                    note: string;
                                    entries: {
                                        /** @description The journal entry's id. */
                                        id: number;
                                        /** Format: date-time */
                                        at: string;
                                    }[];
                                    foundMs?: number;
                                    requiredMs?: number;
                                }[];
                            }[];
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    resetConformance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new period */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        since: string;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getCredentials: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Systems and their default credentials */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        systems: {
                            id: string;
                            title: string;
                            base: string;
                            credentials: {
                                user: string;
                                secret?: string;
                                note: string;
                            }[];
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    listViews: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example mcoi */
                system: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Views */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        system: string;
                        codeLookup: boolean;
                        views: {
                            name: string;
                            title: string;
                            columns: components["schemas"]["Columns"];
                            statuses?: string[];
                            /** @description The column whose cells are codes GET /state/{system}/timeline knows. */
                            codeColumn?: string;
                            detail: boolean;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    listViewRows: {
        parameters: {
            query?: {
                q?: string;
                status?: string;
                offset?: number;
                limit?: number;
            };
            header?: never;
            path: {
                /** @example mcoi */
                system: string;
                /** @example orders */
                view: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Rows */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Rows that pass the filter. */
                        total: number;
                        offset: number;
                        rows: components["schemas"]["ViewRow"][];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getViewRow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example mcoi */
                system: string;
                /** @example orders */
                view: string;
                /** @example 74a27322-3d08-4132-bfdc-0f0fdcd36ad3 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Entity */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        title: string;
                        fields: components["schemas"]["Cells"];
                        sections: {
                            title: string;
                            columns: components["schemas"]["Columns"];
                            rows: components["schemas"]["ViewRow"][];
                        }[];
                        codes?: string[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getTimeline: {
        parameters: {
            query: {
                /** @example 010489921512237121WYGY1_85Fm<<Z9385p5 */
                code: string;
            };
            header?: never;
            path: {
                /** @example mcoi */
                system: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Timeline */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        status: string;
                        fields: components["schemas"]["Cells"];
                        events: {
                            /** Format: date-time */
                            at: string;
                            event: string;
                            status?: string;
                            by?: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getContract: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example mcoi.json */
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Contract */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                    "application/yaml": string;
                };
            };
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    postMcoiReceipt: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    tin: string;
                    /** @enum {string} */
                    type: "SALE" | "RETURN";
                    codes: string[];
                    externalId?: string;
                    /** Format: date-time */
                    receiptDate?: string;
                };
            };
        };
        responses: {
            /** @description The receipt registered */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        receiptId: string;
                        /** @enum {string} */
                        type: "SALE" | "RETURN";
                        /** @enum {string} */
                        status: "IN_PROCESS" | "SUCCESS" | "ERROR";
                        /** @enum {string} */
                        outcome: "SUCCESS" | "ERROR";
                        errors: string[];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    mintMcoiApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    login: string;
                };
            };
        };
        responses: {
            /** @description The key */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        login: string;
                        apiKey: string;
                        /** Format: date-time */
                        expiresOn: string | null;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    revokeMcoiApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    apiKey: string;
                };
            };
        };
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getMcoiCodeState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 010489921512237121U%26U1%2B<cfOUoZf */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Code state */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        gtin: string;
                        serial: string;
                        /** @enum {string} */
                        status: "EMITTED" | "RECEIVED" | "APPLIED" | "WITHDRAWN" | "CANCELLED";
                        owner: {
                            id: number;
                            tin: string;
                        };
                        orderId: string;
                        productGroup: string;
                        cisType: string;
                        indexInSubOrder: number;
                        printQualityClass?: string;
                        parent?: string;
                        history: {
                            /** Format: date-time */
                            at: string;
                            status?: string;
                            /** @enum {string} */
                            type: "EMISSION" | "RECEIVING" | "CANCELLATION" | "VALIDATION" | "UTILISATION" | "AGGREGATION" | "DISAGGREGATION" | "SALE" | "RETURN";
                            event: string;
                            by?: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    mintIdIssuerToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description e.g. user@test.pl */
                    user: string;
                    /** @description Virtual milliseconds until it expires (at most 100 years); absent: never. */
                    expiresInMs?: number;
                };
            };
        };
        responses: {
            /** @description Minted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdIssuerToken"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    expireIdIssuerToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example sim-e0f677d4618ab74a42c89aed140a277e2f261979 */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Expired */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdIssuerToken"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    revokeIdIssuerToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example sim-e0f677d4618ab74a42c89aed140a277e2f261979 */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getTrueApiCodeState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 0100191028060272218nCv<AVtG!UO" */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The code */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The identification code (КИ), no brackets. */
                        cis: string;
                        /** @description As emitted (blocks with brackets). */
                        emitted: string;
                        /** @description As printed, with the crypto tail for units that have one. */
                        printed: string;
                        gtin: string;
                        productGroup: string;
                        packageType: string;
                        status: string;
                        producerBin: string;
                        ownerBin: string;
                        /** @enum {unknown} */
                        emissionType: "LOCAL" | "FOREIGN";
                        /** Format: date-time */
                        emittedAt: string;
                        /** Format: date-time */
                        producedAt: string;
                        parent: string | null;
                        children: string[];
                        /** @description The world's batch the code belongs to. */
                        batch: number;
                        /** @description The last document that changed the code (absent while none has). */
                        lastDocId?: string;
                        /** @description What happened: emitted by the producer, applied on its production date, then its batch status with its owner (what the world says; the time of that step is the production date too), then every document that changed the code and has taken effect (status and owner after it). */
                        history: {
                            status: string;
                            /** Format: date-time */
                            at: string;
                            /** @description The owner after the step. */
                            participant: string;
                            docId?: string;
                            docType?: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    createTrueApiReceipt: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The seller, a participant of the world. */
                    bin: string;
                    /** @enum {unknown} */
                    type: "RECEIPT" | "RECEIPT_RETURN";
                    codes: string[];
                    /** @description Per code, in tiyn; default 100,000 each. */
                    prices?: number[];
                    kktRegId?: string;
                    shiftNumber?: number;
                    /**
                     * Format: date-time
                     * @description Default: the virtual now.
                     */
                    documentDate?: string;
                };
            };
        };
        responses: {
            /** @description Filed */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        receiptId: string;
                        /** @enum {unknown} */
                        type: "RECEIPT" | "RECEIPT_RETURN";
                        /** @enum {unknown} */
                        status: "IN_PROGRESS" | "CHECKED_OK" | "CHECKED_NOT_OK";
                        /**
                         * Format: date-time
                         * @description When processing ends on the virtual clock.
                         */
                        doneAt: string;
                        /**
                         * @description What it will be then.
                         * @enum {unknown}
                         */
                        outcome: "CHECKED_OK" | "CHECKED_NOT_OK";
                        errors: string[];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    createTrueApiShipment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The importer, a participant of the world. */
                    receiverBin: string;
                    /** @description The foreign exporter's taxpayer id. */
                    exporterInn: string;
                    exporterName: string;
                    /** @enum {unknown} */
                    senderCountryCode: "643" | "112" | "417" | "051";
                    documentNumber?: string;
                    /** Format: date */
                    documentDate?: string;
                    /** Format: date */
                    transferDate?: string;
                    products: {
                        cis: string;
                        cost?: number;
                        tax?: number;
                        /** @enum {unknown} */
                        certificateType?: "CONFORMITY_CERTIFICATE" | "CONFORMITY_DECLARATION";
                        certificateNum?: string;
                        /** Format: date */
                        certificateDate?: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description The shipment waits for acceptance. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        shipmentId: string;
                        /** @constant */
                        status: "WAIT_ACCEPTANCE";
                        /** @description The codes as the registry names them (КИ). */
                        products: string[];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
        };
    };
    issueTrueApiCertificate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A participant of the world. */
                    bin: string;
                    /**
                     * Format: date-time
                     * @description Default: one day before the virtual now.
                     */
                    validFrom?: string;
                    /** @description Default 365. */
                    validDays?: number;
                };
            };
        };
        responses: {
            /** @description Issued */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bin: string;
                        serialNumber: string;
                        subject: string;
                        /** Format: date-time */
                        notBefore: string;
                        /** Format: date-time */
                        notAfter: string;
                        /** @description PEM */
                        certificate: string;
                        /** @description PEM (PKCS#8) */
                        privateKey: string;
                        /** @description The key and the certificate as a PKCS#12 file (base64), as NCALayer loads them; AES-256-CBC, SHA-256 MAC. */
                        pkcs12: string;
                        /** @description The PKCS#12 file's password. */
                        password: string;
                        /** @description PEM */
                        caCertificate: string;
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getSetmarkErp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ERP side */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SetmarkErp"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            "5XX": components["responses"]["Problem"];
        };
    };
    putSetmarkErp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Where the violations journal is POSTed; null: SIM_SETMARK_ERP_URL/journal, else nowhere. */
                    journalUrl?: string | null;
                    /** @description Where the MRC export is POSTed; null: SIM_SETMARK_ERP_URL/mrc, else nowhere. */
                    mrcUrl?: string | null;
                    /** @description setmark.alco.minprice.report.cron: Spring cron of six fields, Moscow time (default "0 0 2 * * *"). */
                    mrcCron?: string;
                    /** @description Products per MRC export package. */
                    mrcPackageSize?: number;
                    /** @description What sim:erp answers, attempt after attempt (the last repeats): [500, 500, 200]. */
                    sinkStatuses?: number[];
                };
            };
        };
        responses: {
            /** @description The ERP side after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SetmarkErp"];
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    pushSetmark: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example mrc */
                kind: "journal" | "mrc";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attempts made */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {unknown} */
                        kind: "journal" | "mrc";
                        attempts: components["schemas"]["SetmarkAttempt"][];
                        erp: components["schemas"]["SetmarkErp"];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    playReceipt: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    shop: number;
                    cash: number;
                    checkNumber: string;
                    /** @enum {unknown} */
                    operation: "sale" | "return";
                    /** @description The legal entity selling (default the shop's). */
                    inn?: string;
                    /** @description Sold while the POS could not reach SetMark: no pre-check; a mark not on stock is 110. */
                    offline?: boolean;
                    /** @description false: no pre-check (a POS before 1.4). */
                    precheck?: boolean;
                    /** @description Only opened at the register: its marks are held there (203/204 at another one) until the receipt is sent again without open. */
                    open?: boolean;
                    marks: {
                        mark: string;
                        /** @description Default the loaded mark's. */
                        productType?: number;
                        barcode?: string;
                        promoBarcode?: string;
                        /** @description The POS reports an error instead of selling the mark: 4 (EGAIS refused the receipt) or 17 (an external error, e.g. externalErrorCode 18 with properties {"TAG_2106": "11"}). */
                        posError?: {
                            /** @enum {unknown} */
                            errorCode: 4 | 17;
                            externalErrorCode?: number;
                            properties?: {
                                [key: string]: string;
                            };
                        };
                    }[];
                };
            };
        };
        responses: {
            /** @description What SetMark made of the receipt */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        registered: boolean;
                        violations: {
                            mark: string;
                            errorCode: number;
                            message: string;
                        }[];
                        marks: {
                            mark: string;
                            /** @enum {unknown} */
                            state: "ABSENT" | "ACTIVE" | "SOLD" | "RETURNED" | "SOLD_IN_BLOCK" | "DISBANDED";
                            onStock: boolean;
                        }[];
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            413: components["responses"]["Problem"];
            415: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
    getSetmarkMark: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 010463007409260921SCENARIO00002 */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The mark */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        productType: number;
                        shop: number;
                        inn?: string;
                        /** @enum {unknown} */
                        state: "ACTIVE" | "SOLD" | "RETURNED" | "SOLD_IN_BLOCK" | "DISBANDED";
                        onStock: boolean;
                        orderNumber?: string;
                        barcode?: string;
                        item?: string;
                        alcocode?: string;
                        parent?: string;
                        children?: string[];
                        packetId: number;
                        sale?: {
                            shop: number;
                            cash: number;
                            checkNumber: string;
                            inn?: string;
                            /** Format: date-time */
                            at: string;
                        };
                        hold?: {
                            cash: number;
                            /** @enum {unknown} */
                            operation: "sale" | "return";
                        };
                    };
                };
            };
            400: components["responses"]["Problem"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["Problem"];
            "5XX": components["responses"]["Problem"];
        };
    };
}
