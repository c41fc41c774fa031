# Unit name is an interpolated key from let ("kubelet-gpu"), inside lib.mkIf on an unknown option; no path. Finding: line 11 (`"${unitName}" = {`).
{ config, lib, pkgs, ... }:

let
  pool = "gpu";
  unitName = "kubelet-${pool}";
  cfg = config.cluster.nodePools.${pool};
in
{
  config = lib.mkIf cfg.enable {
    systemd.services."${unitName}" = {
      wantedBy = [ "multi-user.target" ];
      environment.NVIDIA_VISIBLE_DEVICES = "all";
      serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/kubernetes/kubelet-${pool}.yaml";
    };
  };
}
