# authorizationMode = [ "RBAC" ] but extraOpts comes from config (unknown, may append Node): stay silent.
{ config, lib, pkgs, ... }:

let
  cfg = config.homelab.k8s;
in
{
  services.kubernetes.apiserver = lib.mkIf cfg.enable {
    authorizationMode = [ "RBAC" ];
    extraOpts = lib.concatStringsSep " " cfg.extraApiserverFlags;
  };
}
