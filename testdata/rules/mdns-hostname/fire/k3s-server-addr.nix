# services.k3s.serverAddr built from a let-bound .local name. Finding: line 5 (`serverName = "k3s-0.local";`); used at line 11 (`serverAddr = "https://${serverName}:6443";`).
{ config, lib, pkgs, ... }:

let
  serverName = "k3s-0.local";
in
{
  services.k3s = {
    enable = true;
    role = "agent";
    serverAddr = "https://${serverName}:6443";
    tokenFile = "/run/secrets/k3s-token";
  };
}
