# mkForce'd authorizationMode; extraOpts appends Webhook, not Node (effective RBAC,Webhook). Finding: line 12 (`authorizationMode = mkForce [ "RBAC" ];`).
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkIf mkForce;
  cfg = config.homelab.controlPlane;
in
{
  config = mkIf cfg.enable {
    services.kubernetes.roles = [ "master" ];
    services.kubernetes.apiserver = {
      authorizationMode = mkForce [ "RBAC" ];
      extraOpts = "--authorization-mode=Webhook --authorization-webhook-config-file=/etc/kubernetes/webhook.yaml";
    };
  };
}
