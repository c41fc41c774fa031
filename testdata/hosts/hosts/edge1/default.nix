{ config, lib, pkgs, ... }:

{
  homelab.k8s.role = "k3s-server";

  nixpkgs.hostPlatform = "aarch64-linux";
  boot.loader.grub.enable = false;
  boot.loader.generic-extlinux-compatible.enable = true;
  fileSystems."/" = { device = "/dev/disk/by-label/NIXOS_SD"; fsType = "ext4"; };

  networking.useDHCP = true;

  services.avahi = {
    enable = true;
    nssmdns4 = true;
    publish = {
      enable = true;
      addresses = true;
    };
  };

  # small status page for people on the shop floor
  services.nginx = {
    enable = true;
    virtualHosts."edge1.local" = {
      listen = [ { addr = "0.0.0.0"; port = 8080; } ];
      root = "/var/www/status";
    };
  };
  networking.firewall.allowedTCPPorts = [ 8080 ];
}
