# Unit named kubelet-watchdog only curls the kubelet healthz endpoint; it does not run kubelet.
{ pkgs, ... }:

{
  systemd.services.kubelet-watchdog = {
    description = "Restart kubelet when /healthz fails";
    path = with pkgs; [ curl systemd ];
    script = ''
      if ! curl -fsS --max-time 5 http://127.0.0.1:10248/healthz; then
        systemctl restart k8s-kubelet.service
      fi
    '';
    serviceConfig.Type = "oneshot";
  };
  systemd.timers.kubelet-watchdog = {
    wantedBy = [ "timers.target" ];
    timerConfig.OnUnitActiveSec = "1min";
  };
}
