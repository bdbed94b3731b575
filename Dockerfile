# PortWarden hub (or agent) container. Build:  docker build -t portwarden .
# Run the hub:   docker run -d -p 5080:5080 -v portwarden:/var/lib/portwarden portwarden
# Run an agent:  docker run -d --network host -v portwarden-agent:/var/lib/portwarden \
#                  -e PORTWARDEN_Agent__Hub=https://hub.example:5443 -e PORTWARDEN_Agent__Token=pwe_... portwarden agent
# Settings come from PORTWARDEN_Section__Key variables (docs/configuration.md) or a file given with --config.
# See docs/install.md#container.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY src/ src/
RUN dotnet publish src/PortWarden.Cli/PortWarden.Cli.csproj -c Release -o /app --nologo \
      -p:PublishDocumentationFile=false -p:PublishReferencesDocumentationFiles=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# nmap for --engine nmap trackers; iproute2 for the self-scan's fallback reader.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nmap iproute2 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /opt/portwarden
RUN ln -s /opt/portwarden/portwarden /usr/local/bin/portwarden \
 && install -d -o app -g app -m 0750 /var/lib/portwarden
# The image's unprivileged user; raw-socket scans need --cap-add NET_RAW and a root user instead.
USER app
VOLUME /var/lib/portwarden
ENV PORTWARDEN_Hub__Urls__0=http://0.0.0.0:5080 \
    PORTWARDEN_Hub__Db=/var/lib/portwarden/hub/portwarden.db \
    PORTWARDEN_Hub__DataDir=/var/lib/portwarden/hub \
    PORTWARDEN_Agent__DataDir=/var/lib/portwarden/agent
EXPOSE 5080
# Health: GET /healthz on the hub (e.g. a compose healthcheck with curl or wget from another image).
ENTRYPOINT ["portwarden"]
CMD ["serve"]
