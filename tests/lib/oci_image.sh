# oci_image_archive ROOTFS NAME OUT: an OCI image layout (oci-layout, index.json, blobs) of
# one uncompressed layer made from ROOTFS, tarred to OUT: what `ctr image import` reads.
# The index names the image NAME for containerd (io.containerd.image.name).
oci_image_archive() {
    local rootfs=$1 name=$2 out=$3 dir arch layer cfg man
    dir=$(mktemp -d "${out%/*}/ociimg.XXXXXX")
    mkdir -p "$dir/blobs/sha256"
    case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
    tar -C "$rootfs" -cf "$dir/layer.tar" .
    layer=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
    mv "$dir/layer.tar" "$dir/blobs/sha256/$layer"
    printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$arch" "$layer" > "$dir/cfg"
    cfg=$(_oci_blob "$dir" cfg)
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "${cfg% *}" "${cfg#* }" "$layer" "$(stat -c %s "$dir/blobs/sha256/$layer")" > "$dir/man"
    man=$(_oci_blob "$dir" man)
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
        "${man% *}" "${man#* }" "$arch" "$name" "${name##*:}" > "$dir/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
    tar -C "$dir" -cf "$out" oci-layout index.json blobs
    rm -rf "$dir"
}

_oci_blob() { # DIR FILE: moves FILE into DIR's blobs, prints "DIGEST SIZE"
    local d s
    d=$(sha256sum "$1/$2" | cut -d' ' -f1)
    s=$(stat -c %s "$1/$2")
    mv "$1/$2" "$1/blobs/sha256/$d"
    echo "$d $s"
}
