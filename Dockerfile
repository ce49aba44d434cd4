# EncodeQuality image on Debian 12 (docker build . from the checkout; docker/compose.yaml runs a
# farm of it). A thin wrapper over the tested install steps: scripts/setup --install installs the
# Debian packages, builds, and installs eq (program, launcher); nothing here is installed another
# way. The image carries the VMAF models eq may ship: they come from a second build context named
# "models" (a folder of Netflix's model files and their LICENSE, such as ../shared/vmaf-models),
# placed where the build looks for them (../shared beside the checkout) and installed with eq.
# docker/compose.yaml passes it; by hand: docker build --build-context models=PATH .
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
WORKDIR /src
COPY . .
COPY --from=models . /shared/vmaf-models/
RUN EQ_PREFIX=/opt/eq scripts/setup --install \
 && test -f /opt/eq/lib/encodequality/models/vmaf_v0.6.1.json

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
