{ config, lib, pkgs, ... }:

{
  homelab.k8s.role = "k3s-agent";

  nixpkgs.hostPlatform = "aarch64-linux";
  boot.loader.grub.enable = false;
  boot.loader.generic-extlinux-compatible.enable = true;
  fileSystems."/" = { device = "/dev/disk/by-label/NIXOS_SD"; fsType = "ext4"; };

  networking.useDHCP = true;

  services.avahi = {
    enable = true;
    nssmdns4 = true;
  };
}
