# rec attrset builds the command, modes joined with lib.concatStringsSep ","; config is a lib.mkMerge. Finding: line 8 (`--authorization-mode=${lib.concatStringsSep "," modes}`); used at line 15 (`ExecStart = apiserver.command;`).
{ lib, pkgs, ... }:

let
  apiserver = rec {
    package = pkgs.kubernetes;
    modes = [ "RBAC" "Webhook" ];
    command = "${package}/bin/kube-apiserver --authorization-mode=${lib.concatStringsSep "," modes} --secure-port=6443";
  };
in
{
  config = lib.mkMerge [
    { networking.firewall.allowedTCPPorts = [ 6443 ]; }
    {
      systemd.services.kube-apiserver.serviceConfig.ExecStart = apiserver.command;
    }
  ];
}
