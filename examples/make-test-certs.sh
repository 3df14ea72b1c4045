#!/bin/sh
# A test CA and certificates for Chorus's --tls-cert, --tls-key and --tls-ca (README, Security, TLS).
# Needs OpenSSL 3.0 or later (req -x509 -CA).
#
#   examples/make-test-certs.sh DIR AGGREGATOR_HOST [NODE_NAME...]
#
# AGGREGATOR_HOST is what nodes give to --aggregator (an IP address or a DNS name): nodes check that the
# aggregator's certificate names it. Writes into DIR: ca.pem (every host's --tls-ca), ca-key.pem (keep it
# off the hosts), aggregator.pem + aggregator-key.pem, and NODE_NAME.pem + NODE_NAME-key.pem for each node.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR AGGREGATOR_HOST [NODE_NAME...]" >&2; exit 2; }
dir=$1 host=$2
shift 2
mkdir -p "$dir"
cd "$dir"

# The CA: signs every peer's certificate, and is the only authority Chorus trusts (not the system store).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj "/CN=Chorus test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
   -keyout ca-key.pem -out ca.pem

# A peer: serverAuth and clientAuth both, since every Chorus peer accepts connections and makes them.
peer() { # NAME SUBJECT_ALT_NAME
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 90 -subj "/CN=$1" \
    -CA ca.pem -CAkey ca-key.pem -addext "subjectAltName=$2" \
    -addext "basicConstraints=CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" \
    -keyout "$1-key.pem" -out "$1.pem"
}

case $host in
  *[!0-9.:]*) peer aggregator "DNS:$host" ;;
  *) peer aggregator "IP:$host" ;;
esac
for node in "$@"; do peer "$node" "DNS:$node"; done
ls "$PWD"
