{ config, lib, pkgs, ... }:

{
  homelab.k8s = {
    role = "worker";
    nodeIP = "10.0.0.21";
  };

  nixpkgs.hostPlatform = "x86_64-linux";
  boot.loader.grub = {
    enable = true;
    device = "/dev/sda";
  };
  fileSystems."/" = { device = "/dev/disk/by-label/nixos"; fsType = "ext4"; };
  fileSystems."/var/lib/containerd" = { device = "/dev/disk/by-label/containerd"; fsType = "xfs"; };

  networking.interfaces.enp1s0.ipv4.addresses = [ { address = "10.0.0.21"; prefixLength = 24; } ];
  networking.defaultGateway = "10.0.0.1";
  networking.firewall.allowedTCPPorts = [ 10250 ];
  networking.firewall.allowedUDPPorts = [ 8472 ]; # flannel vxlan

  systemd.tmpfiles.rules = [ "d /var/lib/containerd/tmpmounts 0700 root root -" ];

  # the kubelet sometimes wedges after containerd restarts
  systemd.services.kubelet-watchdog = {
    description = "Restart the kubelet when its healthz endpoint stops answering";
    path = with pkgs; [ curl systemd ];
    script = ''
      if ! curl -fsS --max-time 5 http://127.0.0.1:10248/healthz >/dev/null; then
        systemctl restart k8s-kubelet.service
      fi
    '';
    serviceConfig.Type = "oneshot";
  };
  systemd.timers.kubelet-watchdog = {
    wantedBy = [ "timers.target" ];
    timerConfig = {
      OnBootSec = "5min";
      OnUnitActiveSec = "1min";
    };
  };
}
