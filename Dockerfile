# EncodeQuality image on Debian 12 (docker build . from the checkout; docker/compose.yaml runs a
# farm of it). A thin wrapper over the tested install steps: scripts/setup --install installs the
# Debian packages, builds, and installs eq (program, launcher); nothing here is installed another
# way. ../shared is outside the build context, so the VMAF models are mounted at run time and
# found through VMAF_MODEL_PATH (compose mounts them at /models).
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN EQ_PREFIX=/opt/eq scripts/setup --install

# The ASP.NET Core runtime: eq worker --metrics-listen serves /metrics and health with Kestrel.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-bookworm-slim
COPY docker/runtime-packages.txt /tmp/
RUN apt-get update -qq \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/eq /opt/eq
ENV PATH=/opt/eq/bin:$PATH
WORKDIR /work
ENTRYPOINT ["eq"]
CMD ["demo", "--out", "/work/out"]
