# GroupBot in a container. Build:   docker build -t groupbot .
# Run (data in a volume; the token from an env file; health and metrics on the host's loopback only):
#   docker run -d --name groupbot --restart on-failure --env-file /etc/groupbot/groupbot.env \
#     -v groupbot-data:/srv/groupbot/data -p 127.0.0.1:5280:5280 groupbot
# Exit code 2 (a config or template error) and 3 (token or webhook URL refused) need a person: see `docker logs groupbot`.

# ---- build: restore first (cached while only code changes), then publish framework-dependent
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/GroupBot/GroupBot.csproj src/GroupBot/
RUN dotnet restore src/GroupBot/GroupBot.csproj
COPY src/ src/
RUN dotnet publish src/GroupBot/GroupBot.csproj -c Release -o /app --no-restore

# ---- runtime: ASP.NET Core (Kestrel for /healthz, /metrics, the webhook) on Ubuntu 24.04
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime
# ICU for culture-aware text, tzdata for the groups' IANA time zones, a CJK font (chosen by name for the report's
# charts), fontconfig so SkiaSharp finds it, curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libicu74 tzdata fonts-noto-cjk fontconfig libfontconfig1 curl \
 && rm -rf /var/lib/apt/lists/*
# Inside the container Kestrel listens on every interface; publish the port on 127.0.0.1 (see above).
# DOTNET_GCgen0size: a 32 MB young generation at least (the runtime reads it from the environment only; see
# config/groupbot.service).
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_GCgen0size=0x2000000 \
    GROUPBOT_ROOT=/srv/groupbot \
    Web__Url=http://0.0.0.0:5280
COPY --from=build /app /opt/groupbot
# What operators edit ships with the image; mount your own over /srv/groupbot/config and /srv/groupbot/templates.
COPY config/ /srv/groupbot/config/
COPY templates/ /srv/groupbot/templates/
# The image's non-root user (app, uid 1654) owns only data/: the database, its journal, backups and logs.
RUN mkdir -p /srv/groupbot/data && chown -R app:app /srv/groupbot/data
VOLUME /srv/groupbot/data
USER app
WORKDIR /srv/groupbot
EXPOSE 5280
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD curl -fsS http://127.0.0.1:5280/healthz || exit 1
ENTRYPOINT ["/opt/groupbot/GroupBot"]
