# The marking-systems simulator as a CI service container.
#   docker build -t marking-sim .
#   docker run -p 8080:8080 -v sim-data:/data marking-sim
#   docker run -p 8080-8084:8080-8084 marking-sim    # also each system at its real paths on a port of its own
# Configuration is by environment only: PORT, SIM_DATA_DIR (/data), SIM_STORE (file | memory | postgres://…), SIM_SCENARIO (a file,
# e.g. one mounted under /scenarios), SIM_SEED, SIM_RATE_LIMITS (on | off), SIM_TIMINGS, SIM_LOG_LEVEL, SIM_LOG_FORMAT
# (json here: one object per line), SIM_PORTS (here mcoi on 8081, True API on 8082 under /api/v3/true-api, the ID
# issuer on 8083, SetMark on 8084; set it empty for the main port only), and each system's switches (`node dist/simulator/main.js --help` lists them).

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY simulator ./simulator
# The control plane's generated types (the typed client's; types only: nothing of it ships).
COPY openapi/control-api.d.ts ./openapi/
RUN npx tsc -p tsconfig.build.json

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    SIM_PORTS=mcoi=8081,true-api=8082,id-issuer=8083,setmark=8084 \
    SIM_DATA_DIR=/data \
    SIM_LOG_LEVEL=info
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY openapi ./openapi
COPY fixtures ./fixtures
COPY scenarios ./scenarios
COPY ui ./ui
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080 8081 8082 8083 8084
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/__sim/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/simulator/main.js"]
