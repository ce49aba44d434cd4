# EncodeQuality worker image on Debian 12. A thin wrapper over the tested install steps:
# scripts/setup installs the Debian packages and builds; nothing here is installed another way.
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN scripts/setup && dotnet publish src/EncodeQuality.Cli -c Release -o /app --no-build

FROM mcr.microsoft.com/dotnet/runtime:10.0-bookworm-slim
COPY docker/runtime-packages.txt /tmp/
RUN apt-get update -qq \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
COPY --from=build /src/native/build/libeqglue.so /app/
WORKDIR /work
ENTRYPOINT ["dotnet", "/app/eq.dll"]
CMD ["demo", "--out", "/work/out"]
